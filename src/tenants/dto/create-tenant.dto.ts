import { ArrayMaxSize, IsArray, IsOptional, IsString, IsUrl, Length } from 'class-validator';

const HTTP_URL = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export class CreateTenantDto {
  /** A name people recognise, e.g. the team's name. */
  @IsString()
  @Length(1, 200)
  name: string;

  /** URL prefixes the connect flow may send browsers back to; a connect link's returnUrl must start with one. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUrl(HTTP_URL, { each: true })
  returnUrls?: string[];

  /**
   * Where signed notifications are POSTed: an https URL to a public address, without user name or password (plain
   * http and private addresses only for hosts the operator allow-lists in TENANT_WEBHOOK_ALLOW).
   */
  @IsOptional()
  @IsUrl(HTTP_URL)
  webhookUrl?: string;
}
