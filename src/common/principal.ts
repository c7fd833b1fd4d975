import type { FastifyRequest } from 'fastify';

export type Role = 'user' | 'admin';

/** Who is calling: set on the request by the authentication guard. */
export type Principal =
  | { userId: string; role: Role; via: 'jwt'; /** The session of the access token. */ sessionId: string }
  | {
      userId: string;
      role: Role;
      via: 'api-key';
      keyId: string;
      /** Whether the key has a spending limit: then its charges count against it. */
      limited: boolean;
    };

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };
