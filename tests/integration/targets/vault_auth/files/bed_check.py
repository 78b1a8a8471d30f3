"""Look at the auth test bed's OpenBao servers with their root tokens, independent of the code
under test. Prints one JSON object and never a secret (accessors, paths, policies, key names).

    python bed_check.py CONFIG logins                 # live tokens made by logins with the bed's policies
    python bed_check.py CONFIG revoke-logins          # revoke those
    python bed_check.py CONFIG read SERVER PATH       # a KV v2 path on server SERVER (0 plain, 1 TLS)
    python bed_check.py CONFIG clear SERVER PATH      # delete a KV v2 path, all versions and metadata
    python bed_check.py CONFIG file-token             # whether ~/.vault-token of the bed's HOME still looks up

CONFIG is the integration config (the test bed's state, key vault_auth).
"""
import json
import os
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request


class Server:
    def __init__(self, entry):
        self.url = entry['url']
        self._token = entry['root_token']
        handlers = [urllib.request.ProxyHandler({})]
        if entry.get('ca_cert'):
            handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=entry['ca_cert'])))
        self._opener = urllib.request.build_opener(*handlers)

    def request(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request('%s/v1/%s' % (self.url, urllib.parse.quote(path)), data=data, method=method,
                                         headers={'X-Vault-Token': self._token, 'Content-Type': 'application/json'})
        try:
            with self._opener.open(request, timeout=10) as answer:
                raw = answer.read()
                return answer.status, json.loads(raw) if raw.strip() else None
        except urllib.error.HTTPError as error:
            with error:
                raw = error.read()
                return error.code, json.loads(raw) if raw.strip() else None


def login_tokens(servers, policies):
    """(server, accessor, lookup data) of each live token created at auth/<mount>/login (not
    auth/token/) that carries one of ``policies``."""
    found = []
    for server in servers:
        status, answer = server.request('LIST', 'auth/token/accessors')
        if status != 200:
            raise SystemExit('listing token accessors at %s answered %d' % (server.url, status))
        for accessor in answer['data']['keys']:
            status, info = server.request('POST', 'auth/token/lookup-accessor', {'accessor': accessor})
            if status != 200:
                continue
            data = info['data']
            path = data.get('path') or ''
            if path.startswith('auth/') and not path.startswith('auth/token/') and set(data.get('policies') or ()) & set(policies):
                found.append((server, accessor, data))
    return found


def main(config_path, command, *args):
    with open(config_path) as handle:
        bed = json.load(handle)['vault_auth']
    servers = [Server(entry) for entry in bed['servers']]
    if command == 'logins':
        tokens = login_tokens(servers, bed['login_policies'])
        result = {'count': len(tokens), 'tokens': [
            {'server': server.url, 'accessor': accessor, 'path': data['path'], 'policies': data['policies']}
            for server, accessor, data in tokens]}
    elif command == 'revoke-logins':
        tokens = login_tokens(servers, bed['login_policies'])
        for server, accessor, _data in tokens:
            server.request('POST', 'auth/token/revoke-accessor', {'accessor': accessor})
        result = {'revoked': len(tokens)}
    elif command == 'read':
        server, path = servers[int(args[0])], args[1]
        status, answer = server.request('GET', 'secret/data/%s' % path)
        meta_status, meta = server.request('GET', 'secret/metadata/%s' % path)
        result = {'status': status, 'keys': sorted((answer or {}).get('data', {}).get('data') or {}) if status == 200 else [],
                  'current_version': meta['data']['current_version'] if meta_status == 200 else None}
    elif command == 'clear':
        status, _answer = servers[int(args[0])].request('DELETE', 'secret/metadata/%s' % args[1])
        result = {'status': status}
    elif command == 'file-token':
        with open(os.path.join(bed['token_file_home'], '.vault-token')) as handle:
            token = handle.read().strip()
        status, _answer = servers[0].request('POST', 'auth/token/lookup', {'token': token})
        result = {'live': status == 200}
    else:
        raise SystemExit('unknown command %s' % command)
    print(json.dumps(result))
    return 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
