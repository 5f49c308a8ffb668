"""Signed PDFs of approved records (PAdES with pyHanko) and their verification.

A record type joins by registering itself (:func:`qms.signatures.registry.register_record_type`)
in its app's ``AppConfig.ready()``: how to build the record's PDF, its commune,
whether it is approved, and whether its signed PDF is public.
"""
