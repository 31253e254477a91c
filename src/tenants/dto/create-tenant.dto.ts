import { ArrayMaxSize, IsArray, IsOptional, IsString, IsUrl, Length } from 'class-validator';
import { IsRegisteredReturnUrls } from './return-urls.validator';

const HTTP_URL = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export class CreateTenantDto {
  /** A name people recognise, e.g. the team's name. */
  @IsString()
  @Length(1, 200)
  name: string;

  /**
   * Where the connect flow may send browsers back: absolute http(s) URLs (origin and path, no user info, query or
   * fragment). A connect link's returnUrl must have the same origin as one of them and a path under its path.
   */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsRegisteredReturnUrls()
  returnUrls?: string[];

  /**
   * Where signed notifications are POSTed: an https URL to a public address, without user name or password (plain
   * http and private addresses only for hosts the operator allow-lists in TENANT_WEBHOOK_ALLOW).
   */
  @IsOptional()
  @IsUrl(HTTP_URL)
  webhookUrl?: string;
}
