import { Migration } from '@mikro-orm/migrations';

export class Migration20261124204702 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "connection" ("id" uuid not null, "tenant_id" uuid not null, "user_id" varchar(128) not null, "status" text check ("status" in ('active', 'reauth_required', 'disconnected')) not null default 'active', "open_id" varchar(128) not null, "display_name" varchar(255) null, "avatar_url" text null, "scopes" jsonb not null, "access_token_ciphertext" text null, "refresh_token_ciphertext" text null, "access_token_expires_at" timestamptz null, "refresh_token_expires_at" timestamptz null, "token_version" int not null default 1, "refresh_lease_until" timestamptz null, "refresh_lease_owner" varchar(64) null, "last_refresh_error" varchar(500) null, "ended_reason" varchar(200) null, "connected_at" timestamptz not null, "updated_at" timestamptz not null, constraint "connection_pkey" primary key ("id"));`);
    this.addSql(`create index "connection_open_id_index" on "connection" ("open_id");`);
    this.addSql(`create index "connection_status_access_token_expires_at_index" on "connection" ("status", "access_token_expires_at");`);
    this.addSql(`alter table "connection" add constraint "connection_tenant_id_user_id_unique" unique ("tenant_id", "user_id");`);

    this.addSql(`create table "connect_attempt" ("id" uuid not null, "tenant_id" uuid not null, "user_id" varchar(128) not null, "return_url" varchar(2048) null, "ticket_hash" varchar(64) not null, "expires_at" timestamptz not null, "opened_at" timestamptz null, "state_hash" varchar(64) null, "verifier_ciphertext" text null, "browser_hash" varchar(64) null, "state_expires_at" timestamptz null, "completed_at" timestamptz null, "created_at" timestamptz not null, constraint "connect_attempt_pkey" primary key ("id"));`);
    this.addSql(`alter table "connect_attempt" add constraint "connect_attempt_ticket_hash_unique" unique ("ticket_hash");`);
    this.addSql(`alter table "connect_attempt" add constraint "connect_attempt_state_hash_unique" unique ("state_hash");`);

    this.addSql(`alter table "connection" add constraint "connection_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "connect_attempt" add constraint "connect_attempt_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "connection" cascade;`);

    this.addSql(`drop table if exists "connect_attempt" cascade;`);
  }

}
