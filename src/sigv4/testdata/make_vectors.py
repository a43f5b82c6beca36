#!/usr/bin/python3
# Generates vectors.json: SigV4 requests signed by the real botocore (Debian's awscli package) with
# fixed credentials and a frozen clock, with botocore's own canonical request, string to sign and
# signature, plus generate_db_auth_token tokens. sigv4_test checks our code byte for byte against it.
# Run with Debian's python (not a pyenv one):  /usr/bin/python3 src/sigv4/testdata/make_vectors.py
# It must never use real credentials or the network: every key here is a made-up test value.
import datetime
import json
import logging
import os
import sys
import types

sys.path.insert(0, '/usr/lib/python3/dist-packages/awscli')

import botocore.auth as auth  # noqa: E402
import botocore.session  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

FROZEN = datetime.datetime(2026, 11, 28, 12, 34, 56)
FROZEN_DATE_HEADER = FROZEN.strftime('%Y%m%dT%H%M%SZ')


class FrozenDatetime(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return FROZEN


# botocore.auth reads the clock only through datetime.datetime.utcnow().
auth.datetime = types.SimpleNamespace(datetime=FrozenDatetime)

AKID = 'AKIDEXAMPLEBOREALIS1'
SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
TOKEN = ('FwoGZXIvYXdzEXAMPLE//////////wEaDBorealisSessionToken+with/slashes=and+plus'
         'IoAB' + 'x' * 300 + '==')


def creds(with_token):
    return Credentials(AKID, SECRET, TOKEN if with_token else None)


def header_vector(name, method, url, service, region, headers=None, body=b'', with_token=False,
                  payload_signing=True):
    request = AWSRequest(method=method, url=url, data=body, headers=headers or {})
    if not payload_signing:
        request.context['payload_signing_enabled'] = False
    signer = auth.SigV4Auth(creds(with_token), service, region)
    request.context['timestamp'] = FROZEN_DATE_HEADER
    signer._modify_request_before_signing(request)
    canonical_request = signer.canonical_request(request)
    string_to_sign = signer.string_to_sign(request, canonical_request)
    signature = signer.signature(string_to_sign, request)
    signer._inject_signature_to_request(request, signature)
    # The headers botocore signed (plus Authorization); prepare() then adds Content-Length, which a
    # server receives but which is not signed.
    signing_headers = [[k, v] for k, v in request.headers.items()]
    prepared = request.prepare()
    split = prepared.url.split('?', 1)
    scheme_host_path = split[0]
    path = '/' + scheme_host_path.split('://', 1)[1].partition('/')[2]
    if '/' not in scheme_host_path.split('://', 1)[1]:
        path = ''
    body_bytes = prepared.body or b''
    if isinstance(body_bytes, str):
        body_bytes = body_bytes.encode('utf-8')
    return {
        'name': name,
        'kind': 'header',
        'method': method,
        'url': prepared.url,
        'path': path,
        'query': split[1] if len(split) > 1 else '',
        'headers': signing_headers,
        'wire_headers': [[k, v if isinstance(v, str) else v.decode('utf-8')]
                         for k, v in prepared.headers.items()],
        'body': body_bytes.decode('utf-8'),
        'host': auth._host_from_url(prepared.url),
        'service': service,
        'region': region,
        'token': TOKEN if with_token else None,
        'canonical_request': canonical_request,
        'string_to_sign': string_to_sign,
        'signature': signature,
        'authorization': prepared.headers['Authorization'],
    }


class _CaptureSigningLog(logging.Handler):
    """botocore logs its canonical request and string to sign at DEBUG; keep them."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.values = {}

    def emit(self, record):
        if record.msg in ('CanonicalRequest:\n%s', 'StringToSign:\n%s'):
            self.values[record.msg.split(':')[0]] = record.args[0]


def db_token(name, host, port, user, region, with_token=False, expires=None):
    session = botocore.session.get_session()
    client = session.create_client(
        'rds', region_name='us-east-1', aws_access_key_id=AKID, aws_secret_access_key=SECRET,
        aws_session_token=TOKEN if with_token else None)
    captured = _CaptureSigningLog()
    logger = logging.getLogger('botocore.auth')
    logger.addHandler(captured)
    logger.setLevel(logging.DEBUG)
    try:
        token = client.generate_db_auth_token(host, port, user, Region=region)
    finally:
        logger.removeHandler(captured)
    return {'canonical_request': captured.values['CanonicalRequest'],
            'string_to_sign': captured.values['StringToSign'],'name': name, 'kind': 'db_token', 'host': host, 'port': port, 'user': user,
            'region': region, 'token': token, 'session_token': TOKEN if with_token else None}


def main():
    vectors = []
    form = 'application/x-www-form-urlencoded; charset=utf-8'
    vectors.append(header_vector(
        'rds_query_post', 'POST', 'https://rds.us-east-1.amazonaws.com/', 'rds', 'us-east-1',
        headers={'Content-Type': form},
        body=b'Action=DescribeDBClusters&Version=2014-10-31&DBClusterIdentifier=my-cluster'))
    vectors.append(header_vector(
        'sts_get_caller_identity_session_token', 'POST', 'https://sts.amazonaws.com/', 'sts',
        'us-east-1', headers={'Content-Type': form},
        body=b'Action=GetCallerIdentity&Version=2011-06-15', with_token=True))
    vectors.append(header_vector(
        'ds_json_target', 'POST', 'http://127.0.0.1:4566/', 'ds', 'eu-west-1',
        headers={'Content-Type': 'application/x-amz-json-1.1',
                 'X-Amz-Target': 'DirectoryService_20150416.DescribeDirectories'},
        body=b'{"DirectoryIds": ["d-1234567890"]}'))
    vectors.append(header_vector(
        'get_path_space_unicode', 'GET',
        'https://example.amazonaws.com/a%20b/%C3%A9t%C3%A9/x', 'execute-api', 'us-west-2'))
    vectors.append(header_vector(
        'get_path_dot_segments', 'GET', 'https://example.amazonaws.com/a/./b/../c//d/', 'iam',
        'us-east-1'))
    vectors.append(header_vector(
        'get_path_reserved_chars', 'GET',
        "https://example.amazonaws.com/a:b@c!d$e'f(g)h*i+j,k;l=m~n", 'iam', 'us-east-1'))
    vectors.append(header_vector(
        'get_empty_path', 'GET', 'https://example.amazonaws.com', 'iam', 'us-east-1'))
    vectors.append(header_vector(
        'get_repeated_and_empty_query', 'GET',
        'https://example.amazonaws.com/?b=2&a=z&a=y&empty=&flag&c=%20sp%2Bplus~', 'ec2',
        'us-east-1'))
    vectors.append(header_vector(
        'get_query_unicode_and_reserved', 'GET',
        'https://example.amazonaws.com/?Name=%C3%A9l%C3%A8ve&Filter.1.Value=a%2Fb%3Dc', 'ec2',
        'ap-southeast-2'))
    vectors.append(header_vector(
        'headers_extra_whitespace', 'POST', 'https://example.amazonaws.com/', 'sts', 'us-east-1',
        headers={'Content-Type': form, 'My-Header1': '   a   b   c  ',
                 'X-Amz-Meta-Tabs': 'one\t\ttwo  three', 'User-Agent': 'not signed'},
        body=b'Action=GetCallerIdentity&Version=2011-06-15'))
    vectors.append(header_vector(
        'ds_json_session_token', 'POST', 'http://127.0.0.1:4566/', 'ds', 'us-east-1',
        headers={'Content-Type': 'application/x-amz-json-1.1',
                 'X-Amz-Target': 'DirectoryService_20150416.CreateMicrosoftAD'},
        body='{"Name": "corp.example.com", "Password": "Pässword1!"}'.encode('utf-8'),
        with_token=True))
    vectors.append(header_vector(
        'host_default_port_https', 'GET', 'https://example.amazonaws.com:443/', 'iam',
        'us-east-1'))
    vectors.append(header_vector(
        'host_explicit_port', 'GET', 'http://127.0.0.1:8443/', 'iam', 'us-east-1'))

    vectors.append(db_token('db_token_basic', 'db.example.internal', 5432, 'alice', 'us-east-1'))
    vectors.append(db_token('db_token_session', 'cluster-1.borealis.local', 6432, 'svc_app',
                            'eu-west-1', with_token=True))
    vectors.append(db_token('db_token_user_needs_encoding', 'db.example.internal', 5432,
                            'alice@CORP.EXAMPLE.COM', 'us-east-1'))
    vectors.append(db_token('db_token_mixed_case_host_port_443', 'DB.Example.Internal', 443,
                            'Bob', 'us-west-2'))
    vectors.append(db_token('db_token_unicode_user', '127.0.0.1', 5432, 'zoë o\'neil+x',
                            'us-east-1'))

    out = {
        'generator': 'src/sigv4/testdata/make_vectors.py with botocore ' + botocore.__version__,
        'access_key_id': AKID,
        'secret_access_key': SECRET,
        'timestamp': FROZEN_DATE_HEADER,
        'vectors': vectors,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'vectors.json')
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write('\n')


if __name__ == '__main__':
    main()
