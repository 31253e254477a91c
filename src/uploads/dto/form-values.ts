// Multipart fields arrive as strings; JSON may send real booleans and numbers. Both are accepted (class-transformer
// `@Transform` functions for the post DTOs).

export const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

export const toInteger = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

/** An empty field is one not given: forms (Swagger UI's among them) send every field, the empty ones as "". */
export const emptyAsAbsent = ({ value }: { value: unknown }) => (value === '' ? undefined : value);
