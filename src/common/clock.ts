import { Injectable } from '@nestjs/common';

/** The clock, injected so time can be passed in rather than faked. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
