"""How taosAdapter 3.3.7.8 answers the credentials of a /rest/sql request, as
measured on the real server: the form of the Authorization header is judged
first (HTTP 401 with an adapter code), then the body (HTTP 400 when empty),
and only then the login itself, by TDengine (HTTP 200 with its code).
"""

import base64
import binascii

import errors

NO_AUTH = {'code': 0x1105, 'desc': 'no auth info input'}
BAD_TYPE = {'code': 0x1122, 'desc': 'invalid type of Authorization'}
BAD_BASIC = {'code': 0x1124, 'desc': 'invalid basic Authorization'}
BAD_TAOSD = {'code': 0x1125, 'desc': 'invalid taosd Authorization'}
# GET /rest/login/<user>/<password> refused (HTTP 401), whatever the reason
LOGIN_REFUSED = {'code': 3, 'desc': 'Authentication failure'}

USER_BYTES_MAX = 23        # 24 bytes or more: Invalid user name
PASSWORD_BYTES_MAX = 255   # 256 bytes or more: Invalid password length


def read_header(header, token):
    """Judges the Authorization header (None when absent). Returns
    (refusal, credentials): the 401 body and None when its form is refused;
    else None and (user, password) as bytes for Basic, or None for the
    login token `token` (already logged in)."""
    header = (header or '').rstrip()
    if not header:
        return NO_AUTH, None
    if header.startswith('Basic '):
        try:
            raw = base64.b64decode(header[len('Basic '):], validate=True)
        except (binascii.Error, ValueError):
            return BAD_BASIC, None
        user, colon, password = raw.partition(b':')
        if not (colon and user and password):
            return BAD_BASIC, None
        return None, (user, password)
    if header.startswith('Taosd '):
        return (None, None) if header[len('Taosd '):] == token else (BAD_TAOSD, None)
    return BAD_TYPE, None


def login_refusal(credentials, user, password):
    """TDengine's answer (HTTP 200) to logging in with `credentials`
    ((user, password) as bytes) on a server whose only user is `user`
    with `password`, or None when it succeeds."""
    given_user, given_password = credentials
    if len(given_user) > USER_BYTES_MAX:
        return {'code': errors.INVALID_USER_LENGTH, 'desc': 'Invalid user name'}
    if len(given_password) > PASSWORD_BYTES_MAX:
        return {'code': errors.INVALID_PASS_LENGTH, 'desc': 'Invalid password length'}
    if given_user != user.encode('utf-8'):
        return {'code': errors.INVALID_USER, 'desc': 'Invalid user'}
    if given_password != password.encode('utf-8'):
        return {'code': errors.AUTH_FAILURE, 'desc': 'Authentication failure'}
    return None
