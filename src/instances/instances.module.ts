import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { Instance } from './instance.entity';
import { InstanceRegistry } from './instance-registry';

/** Which instances are alive (a heartbeat row each); below the features, imports none of them. */
@Module({
  imports: [MikroOrmModule.forFeature([Instance])],
  providers: [InstanceRegistry],
  exports: [InstanceRegistry],
})
export class InstancesModule {}
