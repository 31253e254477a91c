import { IsOptional, IsUrl, Matches } from 'class-validator';

export const USER_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;
export const USER_ID_MESSAGE = 'userId must be 1 to 128 characters of A-Z a-z 0-9 . _ : @ -';

export class CreateConnectLinkDto {
  /** Your own id for the end user (1-128 characters of `A-Z a-z 0-9 . _ : @ -`). */
  @Matches(USER_ID_PATTERN, { message: USER_ID_MESSAGE })
  userId: string;

  /** Where the browser goes afterwards: the origin of one of the tenant's returnUrls and a path under its path. */
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  returnUrl?: string;
}
