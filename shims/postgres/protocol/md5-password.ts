import { createHash } from 'node:crypto';

/**
 * The answer to AuthenticationMD5Password: "md5" + md5(md5(password + user) + salt), in hex. Weak, but some
 * upstreams still use it, and the shim must be able to log in to them.
 */
export function md5PasswordResponse(user: string, password: string, salt: Uint8Array): string {
  if (salt.length !== 4) throw new RangeError(`an MD5 salt has 4 bytes, got ${salt.length}`);
  const inner = md5Hex(Buffer.from(password + user, 'utf8'));
  return 'md5' + md5Hex(Buffer.concat([Buffer.from(inner, 'ascii'), salt]));
}

function md5Hex(data: Buffer): string {
  return createHash('md5').update(data).digest('hex');
}
