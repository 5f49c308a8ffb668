"""Development e-mail: Django's file-based backend, one readable ``.eml`` file per message."""

from __future__ import annotations

import datetime
import os
import uuid

from django.core.mail.backends.filebased import EmailBackend


class EmlFileBackend(EmailBackend):
    def write_message(self, message):
        self.stream.write(message.message().as_bytes())

    def send_messages(self, email_messages):
        count = 0
        for message in email_messages or ():
            self._fname = None
            with self._lock:
                self.open()
                try:
                    self.write_message(message)
                    self.stream.flush()
                    count += 1
                finally:
                    self.close()
        return count

    def _get_filename(self):
        if self._fname is None:
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            self._fname = os.path.join(self.file_path, f"{stamp}-{uuid.uuid4().hex[:12]}.eml")
        return self._fname
