// Time zones for the time builtins: "" and "UTC" are UTC, "Local" is the host's zone, anything else is an IANA
// name resolved through Intl (Node ships full ICU data). Offsets are looked up per instant, so daylight saving
// applies as in Go's time.LoadLocation.
import { BuiltinError } from './args.js';
export const UTC = { name: 'UTC', offsetAt: () => 0, abbreviationAt: () => 'UTC' };
const zones = new Map();
export function loadZone(name) {
    if (name === '' || name === 'UTC')
        return UTC;
    const iana = name === 'Local' ? Intl.DateTimeFormat().resolvedOptions().timeZone : name;
    let zone = zones.get(iana);
    if (!zone) {
        zone = intlZone(iana);
        zones.set(iana, zone);
    }
    return zone;
}
/** A fixed offset, for times parsed with a numeric zone such as `-0700`. */
export function fixedZone(offsetSeconds, abbreviation) {
    const name = abbreviation ?? formatOffsetAbbreviation(offsetSeconds);
    return { name, offsetAt: () => offsetSeconds, abbreviationAt: () => name };
}
function formatOffsetAbbreviation(offsetSeconds) {
    const sign = offsetSeconds < 0 ? '-' : '+';
    const abs = Math.abs(offsetSeconds);
    const hours = String(Math.floor(abs / 3600)).padStart(2, '0');
    const minutes = Math.floor((abs % 3600) / 60);
    return sign + hours + (minutes ? String(minutes).padStart(2, '0') : '');
}
function intlZone(iana) {
    let wall;
    let short;
    try {
        wall = new Intl.DateTimeFormat('en-US', {
            timeZone: iana,
            hourCycle: 'h23',
            era: 'short',
            year: 'numeric',
            month: 'numeric',
            day: 'numeric',
            hour: 'numeric',
            minute: 'numeric',
            second: 'numeric',
        });
        short = new Intl.DateTimeFormat('en-US', { timeZone: iana, timeZoneName: 'short' });
    }
    catch {
        throw new BuiltinError(`unknown time zone ${iana}`);
    }
    const offsetAt = (epochMs) => {
        const wholeSecondMs = Math.floor(epochMs / 1000) * 1000;
        const parts = Object.fromEntries(wall.formatToParts(wholeSecondMs).map((p) => [p.type, p.value]));
        const year = parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year);
        const asUtc = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
        return Math.round((asUtc - wholeSecondMs) / 1000);
    };
    const abbreviationAt = (epochMs) => {
        const name = short.formatToParts(epochMs).find((p) => p.type === 'timeZoneName')?.value ?? '';
        return /^[A-Z]{3,5}$/.test(name) && !name.startsWith('GMT') ? name : formatOffsetAbbreviation(offsetAt(epochMs));
    };
    return { name: iana, offsetAt, abbreviationAt };
}
//# sourceMappingURL=timezone.js.map