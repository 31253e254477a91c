import { Migration } from '@mikro-orm/migrations';

export class Migration20261124210630 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "upload" ("id" uuid not null, "tenant_id" uuid not null, "user_id" varchar(128) not null, "connection_id" uuid not null, "mode" text check ("mode" in ('inbox', 'direct')) not null, "source" text check ("source" in ('file', 'url')) not null, "status" text check ("status" in ('queued', 'uploading', 'processing', 'inbox_delivered', 'published', 'failed', 'cancelled')) not null default 'queued', "idempotency_key" varchar(200) null, "post" jsonb not null, "video_url" text null, "spool_path" text null, "sha256" varchar(64) null, "video" jsonb null, "chunk_size" bigint null, "total_chunks" int null, "uploaded_bytes" bigint not null default 0, "uploaded_chunks" int not null default 0, "init_started_at" timestamptz null, "publish_id" varchar(64) null, "upload_url_ciphertext" text null, "upload_url_expires_at" timestamptz null, "tiktok_status" varchar(40) null, "fail_reason" varchar(100) null, "post_ids" jsonb not null, "error" jsonb null, "attempts" int not null default 0, "next_action_at" timestamptz null, "lease_until" timestamptz null, "lease_owner" varchar(64) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "upload_pkey" primary key ("id"));`);
    this.addSql(`create index "upload_connection_id_index" on "upload" ("connection_id");`);
    this.addSql(`create index "upload_publish_id_index" on "upload" ("publish_id");`);
    this.addSql(`create index "upload_status_next_action_at_index" on "upload" ("status", "next_action_at");`);
    this.addSql(`create index "upload_tenant_id_user_id_created_at_index" on "upload" ("tenant_id", "user_id", "created_at");`);
    this.addSql(`alter table "upload" add constraint "upload_tenant_id_user_id_idempotency_key_unique" unique ("tenant_id", "user_id", "idempotency_key");`);

    this.addSql(`alter table "upload" add constraint "upload_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "upload" cascade;`);
  }

}
