### Reasons about CSV imports of clients and devices: vaka_domain::reason::ImportReason.
###
### English. Every message here has the same id in locales/sv/reasons/import.ftl, and every
### reason of the enum has a message (unit tests check both).
###
### A duplicate row names the other rows: $count in all; $rows the first ones written out,
### then $last; $more that are not shown ("4", "2, 3 and 4", "1, 2, 3, 4, 5 and 2 more").

import-may-not-import = your roles do not allow importing data
import-only-admins-import-devices = only municipal administrators import devices
import-utf16 = the file is UTF-16 text; save it again as "CSV UTF-8" (or as CSV in Windows-1252) and send it again
import-charset-not-supported = the declared charset is not supported: send UTF-8 or Windows-1252
import-not-utf8-as-declared = line { $line } is not valid UTF-8, though the request says the file is; save it again as "CSV UTF-8" (or as CSV in Windows-1252) and send it again
import-mixed-encodings = line { $line } is not valid UTF-8, though other lines are: the file mixes encodings; save it again as "CSV UTF-8" (or as CSV in Windows-1252) and send it again
import-control-character = line { $line } contains a control character (U+{ $code }): the file is not UTF-8 or Windows-1252 text; save it again as "CSV UTF-8" (or as CSV in Windows-1252) and send it again
import-empty = the file is empty: its first row must name the columns
import-header-not-csv = the header cannot be read as CSV: { $error }
import-column-twice = the column appears twice (columns { $first } and { $second })
import-unknown-column = unknown column; the columns are: { $columns }
import-missing-column = the required column is missing ({ $help })
import-row-not-csv = the row cannot be read as CSV: { $error }
import-row-shape = the row has { $values } values but the header has { $columns } columns: check the delimiters and quotes
import-unnamed-column = column { $column } has a value but no name in the header
import-no-rows = the file has no rows to import below its header
import-not-one-of = must be one of: { $choices }
import-duplicate-identity = the same identity number is also on row { $count ->
        [1] { $last }
       *[other] { $more ->
            [0] { $rows } and { $last }
           *[other] { $rows }, { $last } and { $more } more
        }
    }: keep one row for each
import-duplicate-serial = the same kind and serial number is also on row { $count ->
        [1] { $last }
       *[other] { $more ->
            [0] { $rows } and { $last }
           *[other] { $rows }, { $last } and { $more } more
        }
    }: keep one row for each
import-duplicate-account = the same DC-09 account is also on row { $count ->
        [1] { $last }
       *[other] { $more ->
            [0] { $rows } and { $last }
           *[other] { $rows }, { $last } and { $more } more
        }
    }: keep one row for each
import-no-such-organisation = no organisation has this name
import-unit-needs-provider = a unit is named within its provider: fill in the provider column too
import-no-such-unit = the provider has no unit with this name
import-outside-need-to-know = outside your need-to-know: your roles do not allow registering clients here
import-identity-registered = a client with this identity number is already registered
import-not-an-identity = is not a personnummer, samordningsnummer or reserve id
import-serial-registered = a device of this kind with this serial number is already registered
import-account-taken = another device already has this DC-09 account
import-no-client-with-identity = no client has this identity number
import-no-alarm-centre-covers = no alarm centre covers the client's unit, so the client's alarms would reach no operator: first give an alarm centre or duty team coverage of the unit
import-row-not-checked = the row could not be checked
import-choose-file = choose a file
import-send-from-form = send the file from the form on this page
