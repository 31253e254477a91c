import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { InstancesModule } from '../instances/instances.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { RateLimitsModule } from '../rate-limits/rate-limits.module';
import { TokensModule } from '../tokens/tokens.module';
import { InitBudget } from './delivery/init-budget';
import { IntakeLimits } from './intake/intake-limits';
import { PublishInitService } from './delivery/publish-init.service';
import { UploadEventHub } from './upload-event-hub';
import { ActiveSpoolFiles } from './intake/spool-files';
import { SpoolSweepJob } from './intake/spool-sweep.job';
import { SpoolSweeper } from './intake/spool-sweeper';
import { PublishStatusService } from './delivery/publish-status.service';
import { PostAdmissionService } from './intake/post-admission.service';
import { UploadIntakeService } from './intake/upload-intake.service';
import { UploadStateService } from './upload-state.service';
import { MediaHoldersJob } from './delivery/media-holders.job';
import { UploadStepService } from './delivery/upload-step.service';
import { UploadDeliveryJob } from './delivery/upload-delivery.job';
import { Upload } from './upload.entity';
import { UploadsController } from './uploads.controller';
import { UploadsService } from './uploads.service';
import { PhotoIntakeService } from './photos/photo-intake.service';
import { PhotosController } from './photos/photos.controller';
import { PhotoFilesIntake } from './photos/photo-files-intake';
import { PhotoMediaController } from './photos/photo-media.controller';
import { PhotoMediaService } from './photos/photo-media.service';
import { PhotoSweeper, PhotoSweepJob } from './photos/photo-sweep.job';

import { DisplayBudget } from './readback/display-budget';
import { ShareUrlClaimsService } from './readback/share-url-claims.service';
import { ShareUrlJob } from './readback/share-url.job';
import { ShareUrlReadBackService } from './readback/share-url-read-back.service';
import { VideosController } from './readback/videos.controller';
import { VideosService } from './readback/videos.service';
import { PublishScheduleService } from './schedule/publish-schedule.service';
import { RescheduleService } from './schedule/reschedule.service';
import { ScheduledConnectionWatchJob } from './schedule/scheduled-connection-watch.job';
import { ScheduledStartService } from './schedule/scheduled-start.service';

@Module({
  imports: [MikroOrmModule.forFeature([Upload]), TokensModule, NotificationsModule, RateLimitsModule, InstancesModule],
  controllers: [UploadsController, VideosController, PhotosController, PhotoMediaController],
  providers: [
    UploadIntakeService,
    PostAdmissionService,
    UploadsService,
    UploadEventHub,
    UploadStateService,
    UploadStepService,
    PublishInitService,
    PublishStatusService,
    InitBudget,
    UploadDeliveryJob,
    IntakeLimits,
    ActiveSpoolFiles,
    SpoolSweeper,
    SpoolSweepJob,
    MediaHoldersJob,
    DisplayBudget,
    VideosService,
    ShareUrlReadBackService,
    ShareUrlClaimsService,
    ShareUrlJob,
    PhotoIntakeService,
    PhotoFilesIntake,
    PhotoMediaService,
    PhotoSweeper,
    PhotoSweepJob,
    PublishScheduleService,
    RescheduleService,
    ScheduledStartService,
    ScheduledConnectionWatchJob,
  ],
  exports: [UploadStateService],
})
export class UploadsModule {}
