import { EntityRepository } from '@mikro-orm/core';
import { Upload } from './upload.entity';

export class UploadRepository extends EntityRepository<Upload> {}
