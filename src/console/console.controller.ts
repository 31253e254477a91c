import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { Public } from '../common/auth/auth.decorators';
import { SkipRateLimits } from '../rate-limits/rate-limit.guard';
import { NotFoundError } from '../common/errors/app-error';
import { ConsoleAssets } from './console-assets';

/**
 * The page only calls the API, in the same origin, with the key the person types in; the policy keeps any injected
 * markup from running script or sending that key elsewhere. Avatars come from TikTok's CDN over https; photo
 * previews are blob: URLs the page makes from the files the person chose.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' https: data: blob:",
  'media-src blob:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** GET /console: a page for people to connect an account and publish a video through the public API. */
@ApiExcludeController()
@Public()
@SkipRateLimits()
@Controller('console')
export class ConsoleController {
  constructor(private readonly assets: ConsoleAssets) {}

  @Get()
  getPage(@Req() req: Request, @Res() res: Response): void {
    this.send(req, res, 'index.html');
  }

  @Get(':file')
  getAsset(@Param('file') file: string, @Req() req: Request, @Res() res: Response): void {
    this.send(req, res, file);
  }

  private send(req: Request, res: Response, name: string): void {
    const asset = this.assets.find(name);
    if (!asset) throw new NotFoundError('No such console file.');
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('ETag', asset.etag);
    if (req.headers['if-none-match'] === asset.etag) {
      res.status(304).end();
      return;
    }
    res.type(asset.contentType).send(asset.body);
  }
}
