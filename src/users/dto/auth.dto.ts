import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { isEmail, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateBy } from 'class-validator';
import { toNormalEmail } from '../../common/email-address.js';
import { UserRole } from '../user.entity.js';

const EMAIL_DESCRIPTION =
  'Stored and compared in one normal form: Unicode NFKC, trimmed, lower case. Any other difference (accents included) makes another address.';

/** class-validator's IsEmail, except that a string with a lone UTF-16 surrogate (which makes IsEmail throw) is no address either. */
const IsEmailAddress = () =>
  ValidateBy({
    name: 'isEmailAddress',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && !/\p{Cs}/u.test(value) && isEmail(value),
      defaultMessage: () => 'email must be an email',
    },
  });

export class RegisterDto {
  @ApiProperty({ example: 'ada@example.com', description: EMAIL_DESCRIPTION })
  @Transform(toNormalEmail)
  @IsEmailAddress()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct horse battery', minLength: 8 })
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  password: string;

  @ApiPropertyOptional({ example: 'Ada Lovelace' })
  @IsOptional()
  @IsString()
  @MaxLength(120)
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string;
}

export class LoginDto {
  @ApiProperty({ example: 'ada@example.com', description: EMAIL_DESCRIPTION })
  @Transform(toNormalEmail)
  @IsEmailAddress()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct horse battery' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password: string;
}

export class ChangePasswordDto {
  @ApiProperty({ example: 'correct horse battery' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  currentPassword: string;

  @ApiProperty({ example: 'staple battery horse correct', minLength: 8 })
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  newPassword: string;
}

export class UserDto {
  @ApiProperty({ example: '4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10' })
  id: string;

  @ApiProperty({ example: 'ada@example.com' })
  email: string;

  @ApiProperty({ example: 'Ada Lovelace', nullable: true, type: String })
  name: string | null;

  @ApiProperty({ enum: UserRole, example: UserRole.User })
  role: UserRole;
}

export class AccessTokenDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIs...' })
  accessToken: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType: 'Bearer';

  @ApiProperty({ example: 3600, description: 'Seconds until the token expires' })
  expiresIn: number;
}

export class RegisteredDto {
  @ApiProperty({ type: UserDto })
  user: UserDto;

  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIs...' })
  accessToken: string;
}

export class MeDto extends UserDto {
  @ApiProperty({ example: 'free' })
  plan: string;

  @ApiProperty({ example: 100 })
  balance: number;
}
