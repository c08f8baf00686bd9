-- A transaction's receipts are found by the message's object (receipt_email_at
-- and receipt_sms_at on GET /transaction).
CREATE INDEX messages_object ON messages (object_id, kind, channel, created_at);
