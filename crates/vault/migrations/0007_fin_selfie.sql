-- Fin.com's client configuration: whether it asks for a SELFIE with every set of documents
-- attached. Off for connections made before it was asked, and only ever on for Fin.com.
ALTER TABLE connections ADD COLUMN fin_selfie_required INTEGER NOT NULL DEFAULT 0
    CHECK (fin_selfie_required IN (0, 1) AND (fin_selfie_required = 0 OR provider = 'fin'));
