import { HttpStatus } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';

/** docs/tiktok.md §11.1: reading a creator's public posts back needs this scope. */
export const VIDEO_LIST_SCOPE = 'video.list';

export function hasVideoListScope(scopes: string[]): boolean {
  return scopes.includes(VIDEO_LIST_SCOPE);
}

export function videoListScopeMissing(userId: string): AppError {
  return new AppError(
    'scope_missing',
    `User ${userId} did not grant ${VIDEO_LIST_SCOPE}; connect again and allow it.`,
    HttpStatus.CONFLICT,
    { scope: VIDEO_LIST_SCOPE },
  );
}
