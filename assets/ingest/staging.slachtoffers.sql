-- staging.slachtoffers: victim counts per source, region, year and form of exploitation (long
-- format), as checked by data_contracts/slachtoffers.py. `slachtoffers_bestanden` is that frame.
SELECT bron, regio, jaar, uitbuitingsvorm, aantal
FROM slachtoffers_bestanden
