"""FTP test server on 127.0.0.1 (pyftpdlib), one read-only user.

Usage: ftps_server.py PORT USER PASSWORD DIR [--tls CERTFILE KEYFILE] [--legacy]
--tls     explicit FTPS (AUTH TLS) required on control and data connections, as a hardened server would.
--legacy  an old server: no EPSV and no MLSD, so clients must fall back to PASV and NLST/LIST.
"""
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler, TLS_FTPHandler
from pyftpdlib.servers import FTPServer


def main():
    port, user, password, root = sys.argv[1:5]
    rest = sys.argv[5:]
    authorizer = DummyAuthorizer()
    authorizer.add_user(user, password, root, perm="elr")
    if "--tls" in rest:
        i = rest.index("--tls")

        class Handler(TLS_FTPHandler):
            pass

        Handler.certfile = rest[i + 1]
        Handler.keyfile = rest[i + 2]
        Handler.tls_control_required = True
        Handler.tls_data_required = True
    else:
        class Handler(FTPHandler):
            pass

    if "--legacy" in rest:
        Handler.proto_cmds = {k: v for k, v in Handler.proto_cmds.items() if k not in ("EPSV", "MLSD")}
    Handler.authorizer = authorizer
    server = FTPServer(("127.0.0.1", int(port)), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
