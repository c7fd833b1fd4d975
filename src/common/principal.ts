import type { FastifyRequest } from 'fastify';

export type Role = 'user' | 'admin';

/** Who is calling: set on the request by the authentication guard. */
export interface Principal {
  userId: string;
  role: Role;
  via: 'jwt' | 'api-key';
}

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };
