import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';

@Controller('bare')
class BareController {
  @Get()
  constant(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

/** The API-overhead reference: the smallest NestJS 11 (Express) app, one route returning a constant. */
async function main(): Promise<void> {
  const app = await NestFactory.create(BareModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.stdout.write(`BARE http://127.0.0.1:${port}/bare\n`);
}

void main();
