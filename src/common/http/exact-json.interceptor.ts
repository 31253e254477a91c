import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Response } from 'express';
import { stringify } from 'lossless-json';
import { map, Observable } from 'rxjs';

/**
 * Writes a handler's result as JSON in which bigint values are bare integers with every digit (int64 counts above
 * 2^53, which JSON.stringify refuses and a number would round). Everything else is written as JSON.stringify would.
 */
@Injectable()
export class ExactJsonInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<string> {
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((body: unknown) => {
        response.type('application/json');
        return stringify(body) ?? 'null';
      }),
    );
  }
}
