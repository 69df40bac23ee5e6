-- The working-day calendar (issue 18): the days that break the week's rule
-- (Monday to Friday work, Saturday and Sunday do not). working FALSE marks a
-- public holiday or a compensatory day off (ngày nghỉ bù), TRUE a make-up working
-- day on a weekend (ngày làm bù). Administrators keep it (PUT/DELETE
-- /api/v1/holidays, kntc holiday); the periods the law counts in working days
-- (Luật Tố cáo 2018, Điều 24) skip the days off.
--
-- day is TEXT 'YYYY-MM-DD' like every date the law counts with (migration 3): it
-- compares and sorts as text on both databases.
--
-- The seed: the public holidays of Bộ luật Lao động 2019, Điều 112 khoản 1 for
-- 2026 and 2027, with a compensatory day on the next working day for a holiday
-- falling on a weekend (Điều 111 khoản 3). The Prime Minister fixes the Tết and
-- National Day days each year (Điều 112 khoản 3):
-- * 2026: civil servants are off Saturday 14 to Sunday 22 February for Tết (the
--   five weekdays 16–20 are the Tết days); National Day 1–2 September; Giỗ Tổ
--   (10/3 âm lịch) is Sunday 26 April, made up on Monday 27 April.
-- * 2027: Lunar New Year's Day is Saturday 6 February. The rows hold the customary
--   five days (the last day of the year to mùng 4: 5–9 February) and, for the two
--   that fall on the weekend, the next two working days (10–11 February). THE
--   ADMINISTRATOR MUST CHECK THESE AGAINST THE PRIME MINISTER'S DECISION for Tết
--   2027 and correct them (kntc holiday add / remove) when it differs; likewise
--   National Day (2–3 September here) and any swapped working Saturday.
CREATE TABLE holidays (
	day     TEXT PRIMARY KEY,
	name    TEXT NOT NULL DEFAULT '',
	working BOOLEAN NOT NULL DEFAULT FALSE
);

INSERT INTO holidays (day, name, working) VALUES
	('2026-01-01', 'Tết Dương lịch', FALSE),
	('2026-02-16', 'Tết Âm lịch (29 tháng Chạp)', FALSE),
	('2026-02-17', 'Tết Âm lịch (mùng 1)', FALSE),
	('2026-02-18', 'Tết Âm lịch (mùng 2)', FALSE),
	('2026-02-19', 'Tết Âm lịch (mùng 3)', FALSE),
	('2026-02-20', 'Tết Âm lịch (mùng 4)', FALSE),
	('2026-04-26', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', FALSE),
	('2026-04-27', 'Nghỉ bù Giỗ Tổ Hùng Vương', FALSE),
	('2026-04-30', 'Ngày Chiến thắng', FALSE),
	('2026-05-01', 'Ngày Quốc tế lao động', FALSE),
	('2026-09-01', 'Quốc khánh (ngày liền kề)', FALSE),
	('2026-09-02', 'Quốc khánh', FALSE),
	('2027-01-01', 'Tết Dương lịch', FALSE),
	('2027-02-05', 'Tết Âm lịch (ngày cuối năm)', FALSE),
	('2027-02-06', 'Tết Âm lịch (mùng 1)', FALSE),
	('2027-02-07', 'Tết Âm lịch (mùng 2)', FALSE),
	('2027-02-08', 'Tết Âm lịch (mùng 3)', FALSE),
	('2027-02-09', 'Tết Âm lịch (mùng 4)', FALSE),
	('2027-02-10', 'Nghỉ bù Tết Âm lịch', FALSE),
	('2027-02-11', 'Nghỉ bù Tết Âm lịch', FALSE),
	('2027-04-16', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', FALSE),
	('2027-04-30', 'Ngày Chiến thắng', FALSE),
	('2027-05-01', 'Ngày Quốc tế lao động', FALSE),
	('2027-05-03', 'Nghỉ bù Ngày Quốc tế lao động', FALSE),
	('2027-09-02', 'Quốc khánh', FALSE),
	('2027-09-03', 'Quốc khánh (ngày liền kề)', FALSE);
