import { BufferReader } from './buffer-reader.js';
import type {
  CleartextPassword,
  PasswordMessage,
  SASLInitialResponse,
  SASLResponse,
} from './frontend-messages.js';

/**
 * Reads a 'p' message as the answer to the authentication request the server sent: the message itself does not
 * say which kind it is.
 */

export function readCleartextPassword(message: PasswordMessage): CleartextPassword {
  const reader = bodyReader(message, 'PasswordMessage');
  const password = reader.cstring('password');
  reader.expectEnd();
  return { password };
}

export function readSASLInitialResponse(message: PasswordMessage): SASLInitialResponse {
  const reader = bodyReader(message, 'SASLInitialResponse');
  const mechanism = reader.cstring('mechanism');
  const initialResponse = reader.nullableBytes('initial response');
  reader.expectEnd();
  return { mechanism, initialResponse };
}

export function readSASLResponse(message: PasswordMessage): SASLResponse {
  return { data: message.body };
}

function bodyReader(message: PasswordMessage, name: string): BufferReader {
  return new BufferReader(message.body, 0, message.body.length, name, message.streamOffset);
}
