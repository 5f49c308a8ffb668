"""Development e-mail: Django's file-based backend, one readable ``.eml`` file per message."""

from __future__ import annotations

import datetime
import os
import uuid

from django.core.mail.backends.filebased import EmailBackend


class EmlFileBackend(EmailBackend):
    def write_message(self, message):
        self.stream.write(message.message().as_bytes())

    def open(self):
        """A file per message, opened by ``send_messages``: a sender opening the backend ahead of a
        batch (as for SMTP) makes no empty file."""
        if self._fname is None:
            return False
        return super().open()

    def send_messages(self, email_messages):
        count = 0
        for message in email_messages or ():
            with self._lock:
                self._fname = self._new_filename()
                self.open()
                try:
                    self.write_message(message)
                    self.stream.flush()
                    count += 1
                finally:
                    self.close()
                    self._fname = None
        return count

    def _new_filename(self) -> str:
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        return os.path.join(self.file_path, f"{stamp}-{uuid.uuid4().hex[:12]}.eml")

    def _get_filename(self):
        return self._fname
