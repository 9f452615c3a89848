# Redaction filter for log samples: sed -E -f assets/redact.sed < sample.txt
# Order matters: secrets first, then protect identifiers that look like numbers (UUIDs, epoch timestamps),
# then numbers, addresses and phone numbers, then restore the protected identifiers.
# Cookies (header or JSON field): the whole value.
s/(^|[^A-Za-z-])((Set-)?Cookie["']?[:=] *["']?)[^"'\n]+/\1\2<secret>/Ig
s/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/<email>/g
s/(Bearer|Basic) [A-Za-z0-9._~+\/=-]+/\1 <secret>/g
s/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/<secret>/g
s/(A3T|AKIA|ASIA)[A-Z0-9]{16}/<secret>/g
# key=value and "key": "value" where the key names a secret (aws_secret_access_key, x-api-key, db_password ...)
s/([A-Za-z0-9_.-]*(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential)[A-Za-z0-9_.-]*["']?[=:] *["']?)[^"'&, ]+/\1<secret>/Ig
# Protect UUIDs and epoch timestamps (ms, µs, ns since 2001) from the number rules below.
s/\b([0-9a-fA-F]{8})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{12})\b/\1KEEPUUID\2KEEPUUID\3KEEPUUID\4KEEPUUID\5/g
s/\b(1[0-9]{12}|1[0-9]{15}|1[0-9]{18})\b/KEEPTS\1/g
# Card numbers, also written in groups with spaces or dashes, and other long digit runs.
s/\b[0-9]{4}[ -][0-9]{4,6}[ -][0-9]{4,5}([ -][0-9]{1,4})?\b/<number>/g
s/\b[0-9]{13,19}\b/<number>/g
# IPv4, then IPv6 (full form, and compressed forms, which always contain "::").
s/\b[0-9]{1,3}(\.[0-9]{1,3}){3}\b/<ip>/g
s/\b([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b/<ip>/g
s/(\b([0-9A-Fa-f]{1,4}:){1,7}|::?)(:[0-9A-Fa-f]{1,4}|:<ip>){1,7}\b|\b([0-9A-Fa-f]{1,4}:){1,7}:/<ip>/g
s/(<ip>:)+<ip>|::ffff:<ip>/<ip>/g
# Phone numbers: international (+ country code) and North American formats.
s/\+[0-9]{1,3}[ .-]?(\(?[0-9]{1,4}\)?[ .-]?){2,4}[0-9]{2,4}\b/<pii>/g
s/(\(\b[0-9]{3}\)|\b[0-9]{3})[ .-][0-9]{3}[ .-][0-9]{4}\b/<pii>/g
s/KEEPUUID/-/g
s/KEEPTS([0-9]+)/\1/g
