import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** One running (or once running) instance and when it last said it was alive (instance-registry.ts). */
@Entity()
export class Instance {
  /** Its INSTANCE_ID. */
  @PrimaryKey({ length: 64 })
  id: string;

  @Property()
  startedAt: Date;

  @Property()
  lastSeenAt: Date;
}
