#!/usr/bin/python3
"""appointments_ical.py: parse appointment calendars with a real iCalendar parser (Debian's
python3-icalendar) for the integration tests and print what they mean as JSON.

  appointments_ical.py ics FILE      -> the event of an .ics file
  appointments_ical.py maildir DIR   -> every mail in a Maildir (from aiosmtpd's Mailbox handler)

The local time is resolved through the file's own VTIMEZONE (to_tz()), not the system's zone
database, so a wrong VTIMEZONE shows up as a wrong UTC time."""
import datetime
import email
import email.policy
import json
import mailbox
import sys

import icalendar


def describe(raw):
    cal = icalendar.Calendar.from_ical(raw)
    zones = {str(z['TZID']): z.to_tz() for z in cal.walk('VTIMEZONE')}
    events = []
    def instant(prop):
        # RFC 5545 3.3.5: a local time that occurs twice (clocks going back) means the first one
        tzid = prop.params.get('TZID')
        if tzid in zones:
            return zones[tzid].localize(prop.dt.replace(tzinfo=None), is_dst=True)
        return prop.dt

    for ev in cal.walk('VEVENT'):
        prop = ev.get('DTSTART')
        tzid = prop.params.get('TZID')
        naive = prop.dt.replace(tzinfo=None)
        aware = instant(prop)
        end = instant(ev.get('DTEND'))
        events.append({
            'tzid': tzid,
            'local': naive.isoformat(),
            'utc': aware.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
            'end_local': ev.get('DTEND').dt.replace(tzinfo=None).isoformat(),
            'end_utc': end.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
            'summary': str(ev.get('SUMMARY')),
            'location': str(ev.get('LOCATION')) if ev.get('LOCATION') is not None else None,
            'url': str(ev.get('URL')) if ev.get('URL') is not None else None,
            'description': str(ev.get('DESCRIPTION')),
            'status': str(ev.get('STATUS')),
            'uid': str(ev.get('UID')),
            'sequence': int(ev.get('SEQUENCE', 0)),
        })
    return {'method': str(cal.get('METHOD')), 'zones': sorted(zones), 'events': events}


def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind == 'ics':
        with open(path, 'rb') as f:
            print(json.dumps(describe(f.read())))
        return
    mails = []
    box = mailbox.Maildir(path, factory=None)
    for key in box.keys():
        raw = box.get_bytes(key)   # the bytes as received (as_bytes() would fold headers anew)
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        to = parsed['To']
        addr = to.addresses[0] if to is not None and to.addresses else None
        item = {'to': addr.addr_spec if addr else None, 'to_name': addr.display_name if addr else None,
                # The header as sent (compat32 does not decode encoded-words).
                'to_raw': email.message_from_bytes(raw)['To'],
                'subject_raw': email.message_from_bytes(raw)['Subject'],
                'header_ascii': all(b < 0x80 for b in raw.split(b'\n\n', 1)[0]),
                'from': str(parsed['From']), 'subject': str(parsed['Subject']),
                # aiosmtpd's Mailbox handler records the SMTP envelope in these fields.
                'rcpt': parsed.get('X-RcptTo'), 'mail_from': parsed.get('X-MailFrom'),
                'mime_version': parsed.get('MIME-Version'), 'date': parsed.get('Date'),
                'defects': [type(d).__name__ for p in parsed.walk() for d in p.defects],
                'parts': [], 'text': None, 'calendar': None}
        for part in parsed.walk():
            ctype = part.get_content_type()
            item['parts'].append({'type': ctype, 'charset': part.get_content_charset(),
                                  'cte': part.get('Content-Transfer-Encoding'),
                                  'disposition': part.get_content_disposition(),
                                  'filename': part.get_filename(), 'method': part.get_param('method')})
            if ctype == 'text/plain':
                item['text'] = part.get_content()
            elif ctype == 'text/calendar':
                item['calendar'] = describe(part.get_payload(decode=True))
        mails.append(item)
    print(json.dumps(mails))


if __name__ == '__main__':
    main()
