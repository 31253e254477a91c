import { Migration } from '@mikro-orm/migrations';

export class Migration20261124203854 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "tenant" ("id" uuid not null, "name" varchar(200) not null, "return_urls" jsonb not null, "webhook_url" varchar(2048) null, "webhook_secret_ciphertext" text not null, "created_at" timestamptz not null, constraint "tenant_pkey" primary key ("id"));`);

    this.addSql(`create table "api_key" ("id" uuid not null, "tenant_id" uuid not null, "lookup_id" varchar(64) not null, "secret_hash" varchar(64) not null, "created_at" timestamptz not null, "revoked_at" timestamptz null, constraint "api_key_pkey" primary key ("id"));`);
    this.addSql(`alter table "api_key" add constraint "api_key_lookup_id_unique" unique ("lookup_id");`);

    this.addSql(`alter table "api_key" add constraint "api_key_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update cascade on delete cascade;`);
  }

}
