"""The codes of the errors the directory raises (users, units, roles, passwords, sign-in): the ``code``
of the error body API clients see. A value never changes once published."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    DUPLICATE_AGENCY = "duplicate_agency"
    DUPLICATE_ORGAN_ID = "duplicate_organ_id"
    FULL_NAME = "full_name"
    LOCKED_OUT = "locked_out"
    ORGAN_ID_FORMAT = "organ_id_format"
    PASSWORD_POLICY = "password_policy"  # noqa: S105 (an error code, not a secret)
    USERNAME_FORMAT = "username_format"
    USERNAME_TAKEN = "username_taken"
    WRONG_PASSWORD = "wrong_password"  # noqa: S105 (an error code, not a secret)
    TWOFACTOR_CODE = "twofactor_code"  # a wrong or reused code of the authenticator app or a recovery code
    TWOFACTOR_THROTTLED = "twofactor_throttled"  # too many wrong codes: wait before the next try
    PASSWORD_CHANGE_REQUIRED = "password_change_required"  # noqa: S105 (a code) an initial password not yet changed
    TWOFACTOR_REQUIRED = "twofactor_required"  # turning off two-factor sign-in where it is required
    TWOFACTOR_NOT_SET = "twofactor_not_set"  # an administrator resets the 2FA of a person who has none
    TWOFACTOR_RESET_SELF = "twofactor_reset_self"  # an administrator resets his own 2FA from a person's page
    SSO_NOT_CONFIGURED = "sso_not_configured"  # no OpenID Connect provider configured (QLVB_OIDC_ISSUER)
    SSO_PROVIDER = "sso_provider"  # the provider could not be reached or answered an error
    SSO_ISSUER = "sso_issuer"  # the provider or its ID token names another issuer than the configured one
    SSO_TOKEN_EXPIRED = "sso_token_expired"  # noqa: S105 (an error code, not a secret)
    SSO_TOKEN_INVALID = "sso_token_invalid"  # noqa: S105 (signature, audience, nonce or algorithm wrong)
    SSO_STATE = "sso_state"  # the callback's state is not one this browser started (forged or replayed)
    SSO_NO_EMAIL = "sso_no_email"  # the provider gave no verified e-mail address
    SSO_UNKNOWN_EMAIL = "sso_unknown_email"  # no active account has that official e-mail
    SSO_AMBIGUOUS_EMAIL = "sso_ambiguous_email"  # several accounts have that e-mail
    SSO_ACCOUNT_LOCKED = "sso_account_locked"  # the matched account is locked (or locked out)
    PASSKEY_CHALLENGE = "passkey_challenge"  # the passkey ceremony's challenge is missing, spent or expired
    PASSKEY_INVALID = "passkey_invalid"  # a passkey answer refused (unknown key, another origin, bad signature)
    UNIT_MOVE_REFUSED = "unit_move_refused"  # a department moved outside its agency, under itself or below
    UNIT_CLOSE_REFUSED = "unit_close_refused"  # a unit closed while people, units below or open work remain
    DELEGATION_INVALID = "delegation_invalid"  # a delegation to oneself, outside the agency, ended, no scope
    DELEGATION_OVERLAP = "delegation_overlap"  # the grantor already delegates that scope on one of those days
