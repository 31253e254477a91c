import { registerDecorator, ValidationArguments } from 'class-validator';
import { registeredReturnUrlProblem } from '../return-urls';

/** Each entry must be an absolute http(s) origin with a path (see return-urls.ts); the message names the first bad one. */
export function IsRegisteredReturnUrls(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isRegisteredReturnUrls',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => !Array.isArray(value) || firstProblem(value) === undefined,
        defaultMessage: (args?: ValidationArguments) => firstProblem(args?.value as unknown[]) ?? '',
      },
    });
}

function firstProblem(entries: unknown[]): string | undefined {
  for (const [i, entry] of entries.entries()) {
    const problem = registeredReturnUrlProblem(entry);
    if (problem) return `returnUrls[${i}] (${describe(entry)}) ${problem}`;
  }
  return undefined;
}

function describe(entry: unknown): string {
  const text = typeof entry === 'string' ? entry : (JSON.stringify(entry) ?? String(entry));
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}
