import { Migration } from '@mikro-orm/migrations';

export class Migration20261124211429 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "outbox_message" ("seq" bigserial primary key, "id" uuid not null, "tenant_id" uuid not null, "type" text check ("type" in ('upload.updated', 'upload.completed', 'upload.failed', 'connection.connected', 'connection.reauth_required', 'connection.removed')) not null, "data" jsonb not null, "ordering_key" varchar(200) not null, "occurred_at" timestamptz not null, "status" text check ("status" in ('pending', 'delivered', 'failed')) not null, "attempts" int not null, "next_attempt_at" timestamptz not null, "lease_until" timestamptz null, "lease_owner" varchar(64) null, "last_attempt_at" timestamptz null, "last_status" int null, "last_error" varchar(500) null, "delivered_at" timestamptz null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "outbox_message" add constraint "outbox_message_id_unique" unique ("id");`);
    this.addSql(`create index "outbox_message_tenant_id_seq_index" on "outbox_message" ("tenant_id", "seq");`);
    this.addSql(`create index "outbox_message_ordering_key_status_index" on "outbox_message" ("ordering_key", "status");`);
    this.addSql(`create index "outbox_message_status_next_attempt_at_index" on "outbox_message" ("status", "next_attempt_at");`);

    this.addSql(`create table "tik_tok_webhook_receipt" ("id" uuid not null, "dedup_key" varchar(64) not null, "event" varchar(100) not null, "user_open_id" varchar(128) not null, "create_time" bigint not null, "content" text not null, "status" text check ("status" in ('pending', 'processed', 'ignored', 'failed')) not null default 'pending', "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "lease_until" timestamptz null, "lease_owner" varchar(64) null, "last_error" varchar(500) null, "received_at" timestamptz not null, "processed_at" timestamptz null, constraint "tik_tok_webhook_receipt_pkey" primary key ("id"));`);
    this.addSql(`alter table "tik_tok_webhook_receipt" add constraint "tik_tok_webhook_receipt_dedup_key_unique" unique ("dedup_key");`);
    this.addSql(`create index "tik_tok_webhook_receipt_status_next_attempt_at_index" on "tik_tok_webhook_receipt" ("status", "next_attempt_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "outbox_message" cascade;`);

    this.addSql(`drop table if exists "tik_tok_webhook_receipt" cascade;`);
  }

}
