import { EndofaceError, type ReasonSubset } from '../core/index.js';

/** Why a file or folder could not be read: absent, or present but unreadable. */
export type ReadErrorCode = ReasonSubset<'file_not_found' | 'file_not_readable'>;

/**
 * The reason code for a path that could not be opened, listed or read, from the system's error
 * number: absent (`file_not_found`), a folder where a file was wanted, or present but unreadable
 * (`file_not_readable`: permissions, a link loop, an I/O error), so that a photo that exists is
 * never reported as missing. One mapping for photos (decodeImage, readPhotoBytes) and folder walks.
 */
export function fileReadError(e: unknown, file: string): EndofaceError<ReadErrorCode> {
  const errno = (e as NodeJS.ErrnoException | undefined)?.code;
  const details = { file, ...(errno ? { errno } : {}) };
  if (errno === 'ENOENT' || errno === 'ENOTDIR')
    return new EndofaceError('file_not_found', `no such file: ${file}`, details);
  if (errno === 'EISDIR')
    return new EndofaceError('file_not_found', `${file} is a folder, not a photo`, details);
  if (errno === 'EACCES' || errno === 'EPERM')
    return new EndofaceError('file_not_readable', `${file} cannot be read: permission denied`, details);
  if (errno === 'ELOOP')
    return new EndofaceError('file_not_readable', `${file} cannot be read: its symbolic links loop`, details);
  const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
  return new EndofaceError('file_not_readable', `${file} cannot be read: ${why}`, details);
}
