import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { Response } from 'express';
import { AllExceptionsFilter } from '../common/filters/all-exceptions.filter';
import { ConnectFlowError } from './connect-flow.error';

/**
 * A browser in the connect flow goes back to the tenant's return URL with `tiktok=error&error=<code>&reason=<why>`;
 * without a return URL it gets the error body.
 */
@Catch()
export class ConnectFlowErrorFilter implements ExceptionFilter {
  private readonly fallback = new AllExceptionsFilter();

  catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof ConnectFlowError && exception.returnUrl) {
      const url = new URL(exception.returnUrl);
      url.searchParams.set('tiktok', 'error');
      url.searchParams.set('error', exception.code);
      url.searchParams.set('reason', exception.reason);
      host.switchToHttp().getResponse<Response>().redirect(302, url.toString());
      return;
    }
    this.fallback.catch(exception, host);
  }
}
