package admin

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"communique"
)

// chart is a views-and-visitors chart drawn on the server as SVG: views
// as bars, visitors as a line. The page puts a table of the same numbers
// beside it, which is what screen readers read.
type chart struct {
	Width, Height int
	Left, Bottom  float64 // the plot's left and bottom edges
	Right, Top    float64
	Bars          []chartBar
	Line          string // the visitors' polyline points
	Ticks         []chartTick
	Labels        []chartTick
	Summary       string // what the chart shows, in words
	Points        []communique.AnalyticsPoint
}

type chartBar struct {
	X, Y, W, H float64
	Title      string
}

type chartTick struct {
	X, Y float64
	Text string
}

// The chart's size, in SVG units; it scales to the page's width.
const (
	chartWidth  = 720
	chartHeight = 260
	chartLeft   = 56
	chartBottom = 34
	chartTop    = 12
	chartRight  = 12
	maxLabels   = 7
)

func drawChart(points []communique.AnalyticsPoint) *chart {
	c := &chart{Width: chartWidth, Height: chartHeight, Left: chartLeft, Right: chartWidth - chartRight,
		Top: chartTop, Bottom: chartHeight - chartBottom, Points: points}
	if len(points) == 0 {
		return c
	}
	var top int64
	var views, visitors int64
	for _, p := range points {
		top = max(top, p.Views, p.Visitors)
		views += p.Views
		visitors += p.Visitors
	}
	scale := niceMax(top)
	plotW, plotH := c.Right-c.Left, c.Bottom-c.Top
	step := plotW / float64(len(points))
	y := func(v int64) float64 { return c.Bottom - plotH*float64(v)/float64(scale) }
	var line []string
	for i, p := range points {
		x := c.Left + step*float64(i)
		h := c.Bottom - y(p.Views)
		c.Bars = append(c.Bars, chartBar{X: round(x + step*0.15), Y: round(c.Bottom - h), W: round(max(step*0.7, 0.5)), H: round(h),
			Title: fmt.Sprintf("%s: %d views, %d visitors", p.Label, p.Views, p.Visitors)})
		line = append(line, fmt.Sprintf("%g,%g", round(x+step/2), round(y(p.Visitors))))
	}
	c.Line = strings.Join(line, " ")
	for i := range 5 {
		v := scale * int64(i) / 4
		c.Ticks = append(c.Ticks, chartTick{X: c.Left - 6, Y: round(y(v)), Text: strconv.FormatInt(v, 10)})
	}
	every := (len(points) + maxLabels - 1) / maxLabels
	for i := 0; i < len(points); i += every {
		c.Labels = append(c.Labels, chartTick{X: round(c.Left + step*(float64(i)+0.5)), Y: c.Bottom + 20, Text: points[i].Label})
	}
	c.Summary = fmt.Sprintf("%d views and %d visitors from %s to %s.", views, visitors, points[0].Label, points[len(points)-1].Label)
	return c
}

// niceMax is the top of the axis: 1, 2 or 5 times a power of ten, at
// least top and at least 4 (so the ticks are whole numbers).
func niceMax(top int64) int64 {
	if top <= 4 {
		return 4
	}
	pow := int64(math.Pow(10, math.Floor(math.Log10(float64(top)))))
	for _, m := range []int64{1, 2, 4, 5, 10} {
		if m*pow >= top && (m*pow)%4 == 0 {
			return m * pow
		}
	}
	return 10 * pow
}

func round(f float64) float64 { return math.Round(f*10) / 10 }
