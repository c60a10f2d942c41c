-- The warehouse's tables: every table is created here (and only here) and filled by the SQL
-- file named after it (assets.warehouse.transform_files; tests/test_tables.py checks both).
--
-- The per-object tables (BAG, BRP, KvK, WOZ, vacancy, features, scores: up to 10 M rows a
-- month) have no PRIMARY KEY: DuckDB keeps an ART index per key in memory and maintains it on
-- every insert and delete, which at national scale cost ~2 min and ~2.5 GB per month
-- (tests/benchmarks/bench_scale.py). Their keys are unique by construction instead: the contracts
-- refuse duplicate identifiers at the door and the mart SQL groups per object; the test
-- test_per_object_tables_have_one_row_per_key guards it. Small tables keep their keys.
--
-- An inbox file is not stored a second time: each staging table is filled from the contract's
-- typed frame of the file (`ontvangen`, assets/ingest/received.py). The inbox keeps the file as
-- delivered and audit.validatielog its SHA-256. Warehouses made before kept a copy in schema
-- raw; its tables are dropped on connect (assets.warehouse.ensure_schema).
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS audit;

CREATE TABLE IF NOT EXISTS staging.bag_verblijfsobject (
    maand VARCHAR NOT NULL,
    identificatie VARCHAR NOT NULL,
    nummeraanduiding_hoofdadres_identificatie VARCHAR NOT NULL,
    openbare_ruimte_naam VARCHAR,
    woonplaats_naam VARCHAR,
    huisnummer INTEGER,
    huisletter VARCHAR,
    toevoeging VARCHAR,
    postcode VARCHAR,
    gebruiksdoel VARCHAR,
    oppervlakte INTEGER,
    status VARCHAR,
    pand_identificatie VARCHAR,
    bouwjaar INTEGER,
    bronhouder_identificatie VARCHAR,
    x DOUBLE,
    y DOUBLE,
    buurtcode VARCHAR,
    heeft_woonfunctie BOOLEAN,
    is_woning BOOLEAN,
    oppervlakte_plausibel BOOLEAN
    -- one row per (maand, identificatie); see the note at the top
);

-- The nevenadressen of the month's verblijfsobjecten (LV BAG nevenadresNummeraanduidingRef), when the
-- BAG delivery lists them; BRP counts on a nevenadres attach to the object that carries it.
CREATE TABLE IF NOT EXISTS staging.bag_nevenadres (
    maand VARCHAR NOT NULL,
    verblijfsobject_id VARCHAR NOT NULL,
    nummeraanduiding_id VARCHAR NOT NULL
);

-- The footprints of the panden of the month's verblijfsobjecten, when the BAG delivery has them
-- (PDOK's layer pand, the LV BAG's PND): WKB polygons in EPSG:28992.
CREATE TABLE IF NOT EXISTS staging.bag_pand (
    maand VARCHAR NOT NULL,
    identificatie VARCHAR NOT NULL,
    bouwjaar BIGINT,
    status VARCHAR,
    geometrie_wkb BLOB
);

CREATE TABLE IF NOT EXISTS staging.brp_adrestellingen (
    maand VARCHAR NOT NULL,
    nummeraanduiding_id VARCHAR NOT NULL,
    peildatum DATE,
    ingeschrevenen INTEGER,
    briefadressen INTEGER,
    inschrijvingen INTEGER,
    uitschrijvingen INTEGER,
    vertrokken_onbekend INTEGER,
    verblijfsobject_id VARCHAR
    -- one row per (maand, nummeraanduiding_id); see the note at the top
);

CREATE TABLE IF NOT EXISTS staging.rni_inschrijvingen (
    maand VARCHAR NOT NULL,
    rij INTEGER NOT NULL,
    nummeraanduiding_id VARCHAR,
    inschrijvingen INTEGER,
    verblijfsobject_id VARCHAR
);

CREATE TABLE IF NOT EXISTS staging.kvk_vestigingen (
    maand VARCHAR NOT NULL,
    vestigingsnummer VARCHAR NOT NULL,
    kvk_nummer VARCHAR,
    sbi_code VARCHAR,
    sbi_codes_neven VARCHAR,
    straatnaam VARCHAR,
    huisnummer INTEGER,
    huisletter VARCHAR,
    huisnummer_toevoeging VARCHAR,
    postcode VARCHAR,
    plaats VARCHAR,
    verblijfsobject_id VARCHAR,          -- as delivered (may be empty)
    werkzame_personen INTEGER,
    datum_aanvang DATE,
    datum_einde DATE,
    ind_hoofdvestiging VARCHAR,
    bag_verblijfsobject_id VARCHAR,      -- the matched BAG object
    matchwijze VARCHAR,                  -- 'verblijfsobject_id' or 'adres'
    actief BOOLEAN,                      -- active on the peildatum
    sbi_versie VARCHAR,
    risicocategorie VARCHAR,             -- from the hoofdactiviteit
    risicosoort VARCHAR,                 -- risicosector / uitzendbureau / arbeidsbemiddeling
    neven_risicocategorieen VARCHAR      -- categories of risk-sector nevenactiviteiten, '|'-separated
    -- one row per (maand, vestigingsnummer); see the note at the top
);

CREATE TABLE IF NOT EXISTS staging.woz_gebruik (
    maand VARCHAR NOT NULL,
    verblijfsobject_id VARCHAR NOT NULL,
    gebruik VARCHAR
    -- one row per (maand, verblijfsobject_id); see the note at the top
);

CREATE TABLE IF NOT EXISTS staging.signalen (
    maand VARCHAR NOT NULL,
    signaal_id VARCHAR NOT NULL,
    datum DATE,
    nummeraanduiding_id VARCHAR,
    bron VARCHAR,
    soort VARCHAR,
    geverifieerd VARCHAR,
    verblijfsobject_id VARCHAR,
    PRIMARY KEY (maand, signaal_id)
);

CREATE TABLE IF NOT EXISTS staging.controles (
    maand VARCHAR NOT NULL,
    controle_id VARCHAR NOT NULL,
    datum DATE,
    nummeraanduiding_id VARCHAR,
    aanleiding VARCHAR,
    uitkomst VARCHAR,
    verblijfsobject_id VARCHAR,
    PRIMARY KEY (maand, controle_id)
);

CREATE TABLE IF NOT EXISTS staging.slachtoffers (
    bron VARCHAR NOT NULL,
    regio VARCHAR NOT NULL,
    jaar INTEGER NOT NULL,
    uitbuitingsvorm VARCHAR NOT NULL,
    aantal INTEGER NOT NULL,
    PRIMARY KEY (bron, regio, jaar, uitbuitingsvorm)
);

CREATE TABLE IF NOT EXISTS staging.cbs_buurten (
    buurtcode VARCHAR PRIMARY KEY,
    buurtnaam VARCHAR,
    gemeentecode VARCHAR,
    geometrie_wkt VARCHAR
);

-- Rows kept aside: they do not match another register. Never silently dropped.
CREATE TABLE IF NOT EXISTS staging.quarantaine (
    maand VARCHAR NOT NULL,
    bron VARCHAR NOT NULL,
    bestand VARCHAR,
    rij INTEGER,
    kolom VARCHAR,
    waarde VARCHAR,
    reden VARCHAR
);

-- One row per inbox file checked against its contract, accepted or refused.
CREATE TABLE IF NOT EXISTS audit.validatielog (
    tijdstip TIMESTAMP NOT NULL,
    bron VARCHAR NOT NULL,
    maand VARCHAR,
    bestand VARCHAR,
    sha256 VARCHAR,
    uitkomst VARCHAR NOT NULL,           -- geaccepteerd / geweigerd
    rijen INTEGER,
    quarantaine INTEGER,
    waarschuwingen VARCHAR,
    bevindingen VARCHAR,
    run_id VARCHAR,
    formaat VARCHAR                      -- the recognised delivery format ('PDOK BAG GeoPackage'); NULL = canonical
);

-- Source figures per month that the report's data-quality section reads.
CREATE TABLE IF NOT EXISTS audit.bronnen_maand (
    maand VARCHAR NOT NULL,
    bron VARCHAR NOT NULL,
    bestand VARCHAR,
    sha256 VARCHAR,
    rijen INTEGER,
    geaccepteerd INTEGER,
    quarantaine INTEGER,
    andere_gemeente INTEGER,
    matchpercentage DOUBLE,
    waarschuwingen VARCHAR,
    formaat VARCHAR,                     -- the recognised delivery format; NULL = the contract's canonical file
    PRIMARY KEY (maand, bron)
);

-- Audit tables of the exports module (never cleaned by opschonen).

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

CREATE TABLE IF NOT EXISTS marts.leegstand (
    maand VARCHAR NOT NULL,
    verblijfsobject_id VARCHAR NOT NULL,
    buurtcode VARCHAR,
    is_woning BOOLEAN,
    ingeschrevenen INTEGER,
    vestigingen_actief INTEGER,
    woz_gebruik VARCHAR,                 -- NULL when no WOZ file is available
    woz_meegenomen BOOLEAN,              -- false: computed BAG-BRP-HR only
    leegstand BOOLEAN NOT NULL,
    leegstand_maanden INTEGER NOT NULL
    -- one row per (maand, verblijfsobject_id); see the note at the top
);

CREATE TABLE IF NOT EXISTS marts.leegstand_buurt (
    maand VARCHAR NOT NULL,
    buurtcode VARCHAR NOT NULL,
    buurtnaam VARCHAR,
    woningen INTEGER,
    leegstaand INTEGER,
    leegstand_pct DOUBLE,
    verschil_vorige_maand INTEGER,       -- NULL when the previous month is not in the warehouse
    woz_meegenomen BOOLEAN,
    PRIMARY KEY (maand, buurtcode)
);

CREATE TABLE IF NOT EXISTS marts.adreskenmerken (
    maand VARCHAR NOT NULL,
    verblijfsobject_id VARCHAR NOT NULL,
    nummeraanduiding_id VARCHAR,
    buurtcode VARCHAR,
    gebruiksdoel VARCHAR,
    heeft_woonfunctie BOOLEAN,
    is_woning BOOLEAN,
    oppervlakte INTEGER,
    oppervlakte_plausibel BOOLEAN,
    ingeschrevenen INTEGER,
    briefadressen INTEGER,
    m2_per_ingeschrevene DOUBLE,
    bewoning_zonder_woonfunctie INTEGER,
    mutaties_12m INTEGER,
    mutatiegraad_12m DOUBLE,
    vertrokken_onbekend_24m INTEGER,
    vestigingen_actief INTEGER,
    vestigingen_op_woning INTEGER,
    risicosector_vestigingen INTEGER,
    risicosector_op_woning INTEGER,
    risicocategorieen VARCHAR,
    neven_risicosector_vestigingen INTEGER,
    uitzend_vestigingen INTEGER,
    uitzend_op_woning INTEGER,
    rni_inschrijvingen_12m INTEGER,
    geverifieerde_signalen_12m INTEGER,
    laatste_controle_datum DATE,
    laatste_controle_uitkomst VARCHAR,
    leegstand BOOLEAN,
    leegstand_maanden INTEGER
    -- one row per (maand, verblijfsobject_id); see the note at the top
);

CREATE TABLE IF NOT EXISTS marts.adresscores (
    maand VARCHAR NOT NULL,
    verblijfsobject_id VARCHAR NOT NULL,
    buurtcode VARCHAR,
    score INTEGER NOT NULL,
    rang INTEGER NOT NULL,
    punten_per_indicator MAP(VARCHAR, INTEGER),
    indicatoren VARCHAR[],
    redenen VARCHAR                     -- at most four reasons, '; '-separated, plain Dutch
    -- one row per (maand, verblijfsobject_id); see the note at the top
);

CREATE TABLE IF NOT EXISTS marts.controlelijst (
    maand VARCHAR NOT NULL,
    verblijfsobject_id VARCHAR NOT NULL,
    rang INTEGER NOT NULL,
    score INTEGER NOT NULL,
    aanleiding VARCHAR NOT NULL,         -- risicolijst / steekproef
    redenen VARCHAR,
    buurtcode VARCHAR,
    adres VARCHAR,
    postcode VARCHAR,
    steekproef_seed INTEGER,
    PRIMARY KEY (maand, verblijfsobject_id)
);

-- Wilson score interval (95 %) for x successes out of n.
CREATE OR REPLACE MACRO wilson_laag(x, n) AS CASE WHEN n > 0 THEN
    ((x / n) + 1.9208 / n - 1.96 * sqrt((x / n) * (1 - x / n) / n + 0.9604 / (n * n))) / (1 + 3.8416 / n) END;
CREATE OR REPLACE MACRO wilson_hoog(x, n) AS CASE WHEN n > 0 THEN
    ((x / n) + 1.9208 / n + 1.96 * sqrt((x / n) * (1 - x / n) / n + 0.9604 / (n * n))) / (1 + 3.8416 / n) END;
-- A control found something when the outcome is a finding (not 'geen bijzonderheden'/'geen toegang').
CREATE OR REPLACE MACRO is_treffer(uitkomst) AS uitkomst IN ('overbewoning', 'signalen uitbuiting', 'andere overtreding');

-- Evaluation tables: each month holds the figures as known at that month's peildatum.
CREATE TABLE IF NOT EXISTS marts.evaluatie_aanleiding (
    maand VARCHAR NOT NULL, aanleiding VARCHAR NOT NULL,
    controles INTEGER, gecontroleerd INTEGER, treffers INTEGER,
    trefkans DOUBLE, ci_laag DOUBLE, ci_hoog DOUBLE,
    PRIMARY KEY (maand, aanleiding)
);
CREATE TABLE IF NOT EXISTS marts.evaluatie_indicator (
    maand VARCHAR NOT NULL, indicator VARCHAR NOT NULL,
    gecontroleerd INTEGER, treffers INTEGER, trefkans DOUBLE, ci_laag DOUBLE, ci_hoog DOUBLE,
    PRIMARY KEY (maand, indicator)
);
CREATE TABLE IF NOT EXISTS marts.evaluatie_scoreklasse (
    maand VARCHAR NOT NULL, scoreklasse VARCHAR NOT NULL, ondergrens INTEGER,
    gecontroleerd INTEGER, treffers INTEGER, trefkans DOUBLE, ci_laag DOUBLE, ci_hoog DOUBLE,
    PRIMARY KEY (maand, scoreklasse)
);
CREATE TABLE IF NOT EXISTS marts.evaluatie_precisie (
    maand VARCHAR NOT NULL, lijst_maand VARCHAR NOT NULL, k INTEGER,
    gecontroleerd INTEGER, treffers INTEGER, precisie DOUBLE,
    PRIMARY KEY (maand, lijst_maand)
);
CREATE TABLE IF NOT EXISTS marts.evaluatie_buurt (
    maand VARCHAR NOT NULL, buurtcode VARCHAR NOT NULL, buurtnaam VARCHAR,
    objecten INTEGER, aandeel_objecten DOUBLE, selecties INTEGER, aandeel_selecties DOUBLE,
    selectie_ratio DOUBLE, gecontroleerd INTEGER, treffers INTEGER, trefkans DOUBLE,
    signaal BOOLEAN,
    PRIMARY KEY (maand, buurtcode)
);
CREATE TABLE IF NOT EXISTS marts.evaluatie_drift (
    maand VARCHAR NOT NULL, indicator VARCHAR NOT NULL,
    objecten INTEGER, objecten_vorige_maand INTEGER, factor DOUBLE, aanloop BOOLEAN, signaal BOOLEAN,
    PRIMARY KEY (maand, indicator)
);

-- Inzage (assets/exports/inzage.py). Kept like every audit table (opschonen leaves audit.*);
-- they hold ids, hashes and configuration, no resident counts.
-- Which configuration produced a month's scores: one row per processed run of the month,
-- written inside the month's transaction (the latest row belongs to the month's current scores).
CREATE TABLE IF NOT EXISTS audit.configuratie_maand (
    maand VARCHAR NOT NULL,
    tijdstip TIMESTAMP NOT NULL,
    indicatoren_sha256 VARCHAR NOT NULL,
    instellingen_sha256 VARCHAR NOT NULL,
    indicatoren_yaml VARCHAR,             -- the file as it was, so rules can be explained as they ran
    instellingen_yaml VARCHAR,
    run_id VARCHAR,
    referentie_sha256 VARCHAR,            -- the reference files (assets/ingest/reference_files.py)
    code_sha256 VARCHAR                   -- the pipeline's code (assets/ongewijzigd.py: code_fingerprint)
);

-- Which objects an address-level export carried (ids only; the export itself is in audit.exports).
CREATE TABLE IF NOT EXISTS audit.export_adressen (
    export_id VARCHAR NOT NULL,
    verblijfsobject_id VARCHAR NOT NULL,
    PRIMARY KEY (export_id, verblijfsobject_id)
);

-- One row per inzage document made (AVG art. 15 request or objection).
CREATE TABLE IF NOT EXISTS audit.inzage (
    inzage_id VARCHAR PRIMARY KEY,
    tijdstip TIMESTAMP NOT NULL,
    gebruiker VARCHAR NOT NULL,           -- as given (--gebruiker), else the OS user
    os_gebruiker VARCHAR NOT NULL,
    verblijfsobject_id VARCHAR NOT NULL,
    reden VARCHAR NOT NULL,
    html_sha256 VARCHAR,
    json_sha256 VARCHAR,
    map VARCHAR
);

-- Decisions of the signaleringsoverleg on a month's proposal (besluiten_<JJJJ-MM>.csv, the month
-- of the list). Address-level, under the same retention as every table with `maand`
-- (assets/exports/retention.py: address_tables); the RIEC export carries only aggregates.
CREATE TABLE IF NOT EXISTS staging.besluiten (
    maand VARCHAR NOT NULL,
    nummeraanduiding_id VARCHAR NOT NULL,
    soort_voorstel VARCHAR,                    -- as the form wrote it (risicolijst / steekproef / overleg)
    besluit VARCHAR,                     -- controle / geen controle / later
    reden VARCHAR,
    notitie VARCHAR,
    datum DATE,                          -- date of the overleg
    verblijfsobject_id VARCHAR,
    PRIMARY KEY (maand, nummeraanduiding_id)
);
-- Every proposal of a month's list and every address the overleg added, with its decision (NULL:
-- nothing decided). soort_voorstel follows from the list, not from the form.
CREATE TABLE IF NOT EXISTS marts.besluiten (
    maand VARCHAR NOT NULL,              -- the month of the list
    besluit_id VARCHAR NOT NULL,         -- <maand>/<nummeraanduiding_id>: what a control refers to
    verblijfsobject_id VARCHAR NOT NULL,
    nummeraanduiding_id VARCHAR,
    soort_voorstel VARCHAR NOT NULL,           -- risicolijst / steekproef / overleg (added by the overleg)
    soort_voorstel_formulier VARCHAR,
    rang INTEGER,
    score INTEGER,
    besluit VARCHAR,
    reden VARCHAR,
    besluit_datum DATE,
    PRIMARY KEY (maand, verblijfsobject_id)
);
-- Every control of a month with the decision it carried out (the latest decision on the address
-- in the months before, within besluiten.controle_termijn_maanden) and the aanleiding that follows.
CREATE TABLE IF NOT EXISTS marts.controle_besluit (
    maand VARCHAR NOT NULL,              -- the month of the control file
    controle_id VARCHAR NOT NULL,
    datum DATE,
    verblijfsobject_id VARCHAR,
    uitkomst VARCHAR,
    aanleiding_bestand VARCHAR,
    besluit_id VARCHAR,
    lijst_maand VARCHAR,
    besluit VARCHAR,
    aanleiding VARCHAR,                  -- risicolijst / steekproef / overleg / signaal
    dagen_na_voorstel INTEGER,
    PRIMARY KEY (maand, controle_id)
);
-- How the overleg decided, per list month of the last 12 and over those 12 ('12 maanden').
CREATE TABLE IF NOT EXISTS marts.evaluatie_besluiten (
    maand VARCHAR NOT NULL, lijst_maand VARCHAR NOT NULL, soort_voorstel VARCHAR NOT NULL,
    voorstellen INTEGER, besloten INTEGER, later INTEGER, open INTEGER, controle INTEGER,
    aandeel_besloten DOUBLE, aandeel_gevolgd DOUBLE,
    gecontroleerd INTEGER, treffers INTEGER, trefkans DOUBLE, ci_laag DOUBLE, ci_hoog DOUBLE,
    mediaan_dagen DOUBLE,
    PRIMARY KEY (maand, lijst_maand, soort_voorstel)
);
CREATE TABLE IF NOT EXISTS marts.evaluatie_besluit_redenen (
    maand VARCHAR NOT NULL, soort_voorstel VARCHAR NOT NULL, besluit VARCHAR NOT NULL, reden VARCHAR NOT NULL,
    aantal INTEGER,
    PRIMARY KEY (maand, soort_voorstel, besluit, reden)
);

-- Columns added after warehouses were made: a warehouse of before gets them here (at the end,
-- where the DDL above has them too).
ALTER TABLE audit.validatielog ADD COLUMN IF NOT EXISTS formaat VARCHAR;
ALTER TABLE audit.bronnen_maand ADD COLUMN IF NOT EXISTS formaat VARCHAR;
ALTER TABLE audit.configuratie_maand ADD COLUMN IF NOT EXISTS referentie_sha256 VARCHAR;
ALTER TABLE audit.configuratie_maand ADD COLUMN IF NOT EXISTS code_sha256 VARCHAR;
