import { DomainError } from '@latchkey/service-runtime';

export enum MemberErrorCode {
  Removed = 'MEMBER_REMOVED',
  NotFound = 'MEMBER_NOT_FOUND',
  AlreadyRemoved = 'MEMBER_ALREADY_REMOVED',
  CannotChangeOwnRole = 'CANNOT_CHANGE_OWN_ROLE',
  CannotRemoveSelf = 'CANNOT_REMOVE_SELF',
  LastOwner = 'LAST_OWNER',
  ChangeNotReplicated = 'MEMBER_CHANGE_NOT_REPLICATED',
}

const STATUS: Record<MemberErrorCode, number> = {
  [MemberErrorCode.Removed]: 403,
  [MemberErrorCode.NotFound]: 404,
  [MemberErrorCode.AlreadyRemoved]: 409,
  [MemberErrorCode.CannotChangeOwnRole]: 409,
  [MemberErrorCode.CannotRemoveSelf]: 409,
  [MemberErrorCode.LastOwner]: 409,
  [MemberErrorCode.ChangeNotReplicated]: 503,
};

export class MemberError extends DomainError {
  constructor(code: MemberErrorCode, detail: string, extensions: Record<string, unknown> = {}) {
    super(code, STATUS[code], detail, extensions);
  }
}
