/** The caller's own id for an end user, as every endpoint that takes a `userId` accepts it (docs/errors.md). */
export const USER_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;
export const USER_ID_MESSAGE = 'userId must be 1 to 128 characters of A-Z a-z 0-9 . _ : @ -';
