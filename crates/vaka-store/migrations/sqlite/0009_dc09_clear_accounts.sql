-- A DC-09 account without a key is no longer clear (unencrypted) by default: the receiver takes
-- only encrypted messages, unless an account is explicitly marked clear with the key style
-- `clear` (and no key). An account with neither a key nor the marking is refused.
--
-- The accounts that had no key before this migration were, by the old rule, clear; they are
-- marked clear here, so that the alarm units already on clients' walls keep reaching the alarm
-- centre after the upgrade (a safety alarm that is refused is worse than one that could be
-- forged). The marking is now visible on each device and can only be removed by giving the
-- account a key. A row with a key but no style (never written by Vaka) is left unmarked: its
-- account is refused until it is given a usable key or marked clear.
UPDATE devices SET dc09_key_style = 'clear'
    WHERE dc09_account IS NOT NULL AND dc09_key IS NULL;
