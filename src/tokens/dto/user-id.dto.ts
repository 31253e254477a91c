import { Matches } from 'class-validator';
import { USER_ID_MESSAGE, USER_ID_PATTERN } from '../../common/validation/user-id';

export class UserIdQuery {
  /** Your own id for the end user. */
  @Matches(USER_ID_PATTERN, { message: USER_ID_MESSAGE })
  userId: string;
}

export class DisconnectDto extends UserIdQuery {}
