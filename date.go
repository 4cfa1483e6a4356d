package communique

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DateWords are the names a date format writes in one language (the
// i18n package's Localizer is one).
type DateWords interface {
	Month(time.Month) string
	MonthShort(time.Month) string
	Weekday(time.Weekday) string
	WeekdayShort(time.Weekday) string
	Ordinal(day int) string
	Meridiem(pm, upper bool) string
}

// FormatDate formats t with a PHP/WordPress date format such as "F j, Y",
// so settings carried over from WordPress keep meaning what they meant.
// A backslash escapes the next character; unknown letters print as is.
// Names are in English; FormatDateIn writes them in another language.
func FormatDate(t time.Time, format string) string {
	return FormatDateIn(t, format, english{})
}

// FormatDateIn is FormatDate with the month and day names, the ordinal
// suffix and am/pm of words; nil means English.
func FormatDateIn(t time.Time, format string, words DateWords) string {
	if words == nil {
		words = english{}
	}
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		switch c {
		case '\\':
			if i+1 < len(format) {
				i++
				b.WriteByte(format[i])
			}
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'D':
			b.WriteString(words.WeekdayShort(t.Weekday()))
		case 'j':
			b.WriteString(strconv.Itoa(t.Day()))
		case 'l':
			b.WriteString(words.Weekday(t.Weekday()))
		case 'N':
			wd := int(t.Weekday())
			if wd == 0 {
				wd = 7
			}
			b.WriteString(strconv.Itoa(wd))
		case 'S':
			b.WriteString(words.Ordinal(t.Day()))
		case 'w':
			b.WriteString(strconv.Itoa(int(t.Weekday())))
		case 'z':
			b.WriteString(strconv.Itoa(t.YearDay() - 1))
		case 'F':
			b.WriteString(words.Month(t.Month()))
		case 'M':
			b.WriteString(words.MonthShort(t.Month()))
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'n':
			b.WriteString(strconv.Itoa(int(t.Month())))
		case 'Y':
			b.WriteString(strconv.Itoa(t.Year()))
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'a':
			b.WriteString(words.Meridiem(t.Hour() >= 12, false))
		case 'A':
			b.WriteString(words.Meridiem(t.Hour() >= 12, true))
		case 'g':
			b.WriteString(t.Format("3"))
		case 'G':
			b.WriteString(strconv.Itoa(t.Hour()))
		case 'h':
			b.WriteString(t.Format("03"))
		case 'H':
			b.WriteString(t.Format("15"))
		case 'i':
			b.WriteString(t.Format("04"))
		case 's':
			b.WriteString(t.Format("05"))
		case 'T':
			b.WriteString(t.Format("MST"))
		case 'e':
			b.WriteString(t.Location().String())
		case 'P':
			b.WriteString(t.Format("-07:00"))
		case 'O':
			b.WriteString(t.Format("-0700"))
		case 'c':
			b.WriteString(t.Format(time.RFC3339))
		case 'r':
			b.WriteString(t.Format(time.RFC1123Z))
		case 'U':
			b.WriteString(strconv.FormatInt(t.Unix(), 10))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func ordinalSuffix(day int) string {
	if day >= 11 && day <= 13 {
		return "th"
	}
	switch day % 10 {
	case 1:
		return "st"
	case 2:
		return "nd"
	case 3:
		return "rd"
	}
	return "th"
}

// english are the names of FormatDate.
type english struct{}

func (english) Month(m time.Month) string          { return m.String() }
func (english) MonthShort(m time.Month) string     { return m.String()[:3] }
func (english) Weekday(d time.Weekday) string      { return d.String() }
func (english) WeekdayShort(d time.Weekday) string { return d.String()[:3] }
func (english) Ordinal(day int) string             { return ordinalSuffix(day) }
func (english) Meridiem(pm, upper bool) string {
	switch {
	case pm && upper:
		return "PM"
	case pm:
		return "pm"
	case upper:
		return "AM"
	}
	return "am"
}
