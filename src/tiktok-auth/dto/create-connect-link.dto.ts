import { IsOptional, IsUrl, Matches } from 'class-validator';

import { USER_ID_MESSAGE, USER_ID_PATTERN } from '../../common/validation/user-id';

export class CreateConnectLinkDto {
  /** Your own id for the end user (1-128 characters of `A-Z a-z 0-9 . _ : @ -`). */
  @Matches(USER_ID_PATTERN, { message: USER_ID_MESSAGE })
  userId: string;

  /** Where the browser goes afterwards: the origin of one of the tenant's returnUrls and a path under its path. */
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  returnUrl?: string;
}
