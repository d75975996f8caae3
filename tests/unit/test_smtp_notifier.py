"""The SMTP notifier speaks real SMTP to a tiny server on loopback."""

import socket
import threading

from openmsk.config import Settings
from openmsk.notify import Message, SmtpNotifier


class TinySmtpServer:
    """Accepts one SMTP session and keeps the DATA it received."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.data = b""
        self.envelope: list[str] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        reader = conn.makefile("rb")
        conn.sendall(b"220 tiny ESMTP\r\n")
        while line := reader.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                conn.sendall(b"250 tiny\r\n")
            elif verb in ("MAIL", "RCPT"):
                self.envelope.append(command)
                conn.sendall(b"250 ok\r\n")
            elif verb == "DATA":
                conn.sendall(b"354 go\r\n")
                while (chunk := reader.readline()) != b".\r\n":
                    self.data += chunk
                conn.sendall(b"250 queued\r\n")
            elif verb == "QUIT":
                conn.sendall(b"221 bye\r\n")
                break
        conn.close()
        self.sock.close()


def test_smtp_notifier_delivers_the_message_to_the_server():
    server = TinySmtpServer()
    settings = Settings(smtp_host="127.0.0.1", smtp_port=server.port, smtp_starttls=False,
                        smtp_from="OpenMSK <no-reply@clinic.test>")
    SmtpNotifier(settings).send(Message(to="pat@clinic.test", subject="Reset your password", body="Open the link"))
    server.thread.join(timeout=5)
    assert [c.upper() for c in server.envelope] == ["MAIL FROM:<NO-REPLY@CLINIC.TEST>", "RCPT TO:<PAT@CLINIC.TEST>"]
    assert b"Subject: Reset your password" in server.data and b"Open the link" in server.data
