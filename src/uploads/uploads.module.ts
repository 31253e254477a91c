import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { InstancesModule } from '../instances/instances.module';
import { RateLimitsModule } from '../rate-limits/rate-limits.module';
import { TokensModule } from '../tokens/tokens.module';
import { InitBudget } from './init-budget';
import { IntakeLimits } from './intake-limits';
import { PublishInitService } from './publish-init.service';
import { UploadEventHub } from './upload-event-hub';
import { ActiveSpoolFiles } from './spool-files';
import { SpoolSweepJob } from './spool-sweep.job';
import { SpoolSweeper } from './spool-sweeper';
import { StatusPoller } from './status-poller';
import { UploadIntakeService } from './upload-intake.service';
import { UploadStateService } from './upload-state.service';
import { MediaHoldersJob } from './media-holders.job';
import { UploadTransferService } from './upload-transfer.service';
import { UploadWorker } from './upload-worker';
import { Upload } from './upload.entity';
import { UploadsController } from './uploads.controller';
import { UploadsService } from './uploads.service';

@Module({
  imports: [MikroOrmModule.forFeature([Upload]), TokensModule, RateLimitsModule, InstancesModule],
  controllers: [UploadsController],
  providers: [
    UploadIntakeService,
    UploadsService,
    UploadEventHub,
    UploadStateService,
    UploadTransferService,
    PublishInitService,
    StatusPoller,
    InitBudget,
    UploadWorker,
    IntakeLimits,
    ActiveSpoolFiles,
    SpoolSweeper,
    SpoolSweepJob,
    MediaHoldersJob,
  ],
  exports: [UploadStateService],
})
export class UploadsModule {}
