import { InjectRepository } from '@mikro-orm/nestjs';
import { Injectable } from '@nestjs/common';
import { AuthenticatedTenant } from '../../common/auth/authenticated-tenant';
import { ConflictError, NotFoundError } from '../../common/errors/app-error';
import { RescheduleUploadDto } from '../dto/reschedule-upload.dto';
import { toUploadResponse } from '../dto/upload.mapping';
import { UploadResponse } from '../dto/upload.response';
import { UploadStateService } from '../upload-state.service';
import { Upload } from '../upload.entity';
import { UploadRepository } from '../upload.repository';
import { PublishScheduleService } from './publish-schedule.service';

/** `PATCH /api/tiktok/uploads/{id}`: moves a post that is still `scheduled`; once it has started, 409. */
@Injectable()
export class RescheduleService {
  constructor(
    @InjectRepository(Upload) private readonly uploads: UploadRepository,
    private readonly schedule: PublishScheduleService,
    private readonly state: UploadStateService,
  ) {}

  async reschedule(caller: AuthenticatedTenant, id: string, dto: RescheduleUploadDto): Promise<UploadResponse> {
    let upload = await this.find(caller, id);
    const publishAt = await this.schedule.publishAtFor({
      publishAt: dto.publishAt,
      mode: upload.mode,
      connectionId: upload.connectionId,
      uploadId: upload.id,
    });
    // A compare-and-swap on `scheduled`: the start (or a cancel) that came first wins, and this answers 409.
    for (let attempt = 0; attempt < 5 && upload.status === 'scheduled'; attempt++) {
      const changed = await this.state.change(upload, { publishAt, nextActionAt: publishAt, attempts: 0 });
      if (changed) return toUploadResponse(changed);
      upload = await this.find(caller, id);
    }
    throw new ConflictError(`The upload is ${upload.status}; only a scheduled post can be moved.`, {
      status: upload.status,
    });
  }

  private async find(caller: AuthenticatedTenant, id: string): Promise<Upload> {
    const upload = await this.uploads.findForTenant(caller.tenantId, id);
    if (!upload) throw new NotFoundError('No upload with this id.');
    return upload;
  }
}
