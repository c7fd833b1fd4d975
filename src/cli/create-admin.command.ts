import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppError, ErrorCode } from '../common/app-error.js';
import { RegisterDto } from '../users/dto/auth.dto.js';
import { UserRole } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { CliCommand, EXIT_FAILURE, EXIT_OK, requiredString, UsageError } from './cli-command.js';

/**
 * `create-admin`: registers a new admin (with the default plan and its tokens, like any user).
 * It never promotes: an existing email is refused and left as it is, since its account may belong
 * to anyone who registered it. Start-up with ADMIN_EMAIL promotes an existing account only when its
 * password is ADMIN_PASSWORD.
 */
export const createAdminCommand: CliCommand<RegisterDto> = {
  name: 'create-admin',
  summary: 'Create an admin user',
  options: {
    email: { type: 'string', description: 'Email of the new admin (required)' },
    password: { type: 'string', description: 'Password, 8-128 characters (required)' },
    name: { type: 'string', description: 'Display name (default "Administrator")' },
  },
  parse(values) {
    const input = plainToInstance(RegisterDto, {
      email: requiredString(values, 'email'),
      password: requiredString(values, 'password'),
      name: typeof values.name === 'string' ? values.name : 'Administrator',
    });
    const errors = validateSync(input);
    if (errors.length > 0) {
      throw new UsageError(
        errors.flatMap((e) => Object.values(e.constraints ?? {}).map((message) => `--${e.property}: ${message}`)).join('; '),
      );
    }
    return input;
  },
  async run(app, input, io) {
    try {
      const user = await app.get(UsersService, { strict: false }).register(input, UserRole.Admin);
      io.out(`Created admin ${user.email} (${user.id}).`);
      return EXIT_OK;
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.EMAIL_TAKEN) {
        io.err(`A user with the email ${input.email} already exists; it was not promoted and nothing was changed. Use another email.`);
        return EXIT_FAILURE;
      }
      throw error;
    }
  },
};
