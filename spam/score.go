package spam

import (
	"cmp"
	"math"
	"slices"
)

// Counts are the classifier's learned totals.
type Counts struct {
	Spam int64 // documents trained as spam
	Ham  int64 // documents trained as ham
}

// TokenCounts are how often a token appeared in spam and ham documents,
// counting each document once however often the token occurs in it.
type TokenCounts struct {
	Spam int64
	Ham  int64
}

// Robinson's smoothing: a token seen n times is believed in proportion to
// n, starting from assumedProb with the weight of strength observations.
// With strength 1 a token seen once in spam scores 0.75, not 1.
const (
	strength    = 1.0
	assumedProb = 0.5
)

// Only the maxClues tokens furthest from 0.5 are combined, and none closer
// than minStrength: near-neutral tokens would only pull every score
// towards 0.5 and make long comments look less certain than short ones.
const (
	maxClues    = 15
	minStrength = 0.1
)

// Score returns the probability, from 0 to 1, that a document with these
// tokens is spam, given the training totals and the per-token counts.
// Tokens missing from counts have never been seen and carry no weight.
//
// Until both spam and ham have been trained Score returns exactly 0.5:
// with a single class every known word would look like that class.
// Negative counts are taken as zero and token counts above the totals as
// the totals, so inconsistent rows cannot produce NaN or values outside
// 0 to 1.
func Score(total Counts, tokens []string, counts map[string]TokenCounts) float64 {
	nSpam, nHam := max(total.Spam, 0), max(total.Ham, 0)
	if nSpam == 0 || nHam == 0 {
		return 0.5
	}

	type clue struct {
		token string
		p, q  float64 // probability of spam, and of ham (1-p computed without cancellation)
	}
	var clues []clue
	seen := make(map[string]bool, len(tokens))
	for _, tok := range tokens {
		if seen[tok] {
			continue // a token repeated by the caller is still one piece of evidence
		}
		seen[tok] = true

		tc := counts[tok]
		b, g := max(tc.Spam, 0), max(tc.Ham, 0)
		// Frequencies rather than raw counts, so that having trained
		// more ham than spam (the usual case) does not bias every token.
		spamFreq, hamFreq := freq(b, nSpam), freq(g, nHam)
		if spamFreq+hamFreq == 0 {
			continue
		}
		pw := spamFreq / (spamFreq + hamFreq)
		n := float64(b) + float64(g)
		c := clue{
			token: tok,
			p:     (strength*assumedProb + n*pw) / (strength + n),
			q:     (strength*(1-assumedProb) + n*(1-pw)) / (strength + n),
		}
		if math.Abs(c.p-0.5) < minStrength {
			continue
		}
		clues = append(clues, c)
	}
	if len(clues) == 0 {
		return 0.5
	}

	// The token name breaks ties so the score does not depend on the
	// order the tokens were passed in.
	slices.SortFunc(clues, func(a, b clue) int {
		return cmp.Or(
			cmp.Compare(math.Abs(b.p-0.5), math.Abs(a.p-0.5)),
			cmp.Compare(a.token, b.token),
		)
	})
	clues = clues[:min(len(clues), maxClues)]

	// Fisher's method, as in SpamBayes: sums of logs rather than products
	// of probabilities, which would underflow.
	var lnP, lnQ float64
	for _, c := range clues {
		lnP += math.Log(c.p)
		lnQ += math.Log(c.q)
	}
	dof := 2 * len(clues)
	spamminess := 1 - chi2Q(-2*lnQ, dof)
	hamminess := 1 - chi2Q(-2*lnP, dof)
	s := (spamminess - hamminess + 1) / 2
	if math.IsNaN(s) {
		return 0.5
	}
	return min(max(s, 0), 1)
}

// freq returns count/total, at most 1.
func freq(count, total int64) float64 {
	return min(float64(count)/float64(total), 1)
}

// chi2Q returns the probability that a chi-square variable with dof
// (even) degrees of freedom is at least x2.
func chi2Q(x2 float64, dof int) float64 {
	m := x2 / 2
	term := math.Exp(-m)
	sum := term
	for i := 1; i < dof/2; i++ {
		term *= m / float64(i)
		sum += term
	}
	return min(sum, 1)
}
