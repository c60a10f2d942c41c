-- Audit tables of the exports module (created on first use; never cleaned by opschonen).

-- One row per export package written (with or without addresses).
CREATE TABLE IF NOT EXISTS audit.exports (
    export_id VARCHAR PRIMARY KEY,
    tijdstip TIMESTAMP NOT NULL,
    gebruiker VARCHAR NOT NULL,           -- as given to export_riec, else the OS user
    os_gebruiker VARCHAR NOT NULL,        -- getpass.getuser() of the process
    maand VARCHAR NOT NULL,
    ontvanger VARCHAR NOT NULL,
    doel VARCHAR,
    grondslag VARCHAR,
    adressen BOOLEAN NOT NULL,
    tabellen VARCHAR,                     -- JSON: [{tabel, bestand, rijen}]
    bestanden VARCHAR,                    -- JSON: {bestand: sha256}
    manifest_sha256 VARCHAR NOT NULL,
    map VARCHAR,
    code_versie VARCHAR
);

-- One row per retention run.
CREATE TABLE IF NOT EXISTS audit.opschoning (
    tijdstip TIMESTAMP NOT NULL,
    gebruiker VARCHAR NOT NULL,
    vandaag DATE NOT NULL,
    bewaartermijn_maanden INTEGER NOT NULL,
    oudste_bewaarde_maand VARCHAR NOT NULL,   -- rows and folders of earlier months are removed
    verwijderde_rijen VARCHAR,                -- JSON: {tabel: rijen}
    verwijderde_bestanden INTEGER,
    verwijderde_mappen VARCHAR,               -- JSON: [map]
    compactering BOOLEAN,
    geverifieerd BOOLEAN NOT NULL
);
