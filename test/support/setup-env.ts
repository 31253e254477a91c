// The logger reads LOG_LEVEL when its module is imported (../shared/STACK.md).
process.env.LOG_LEVEL ??= 'silent';
